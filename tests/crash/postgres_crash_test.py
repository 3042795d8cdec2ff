#!/usr/bin/python3
"""Crash test on PostgreSQL: three `ritme serve` daemons on one database send 10,000 due
reminders through one outbox, while for 30 seconds a random daemon is killed with SIGKILL
every few hundred milliseconds and started again, and PostgreSQL itself is restarted once
(a fast shutdown: every daemon's connections are cut mid-work). The last kill is not
followed by a start: that daemon's claims go to the other two when their lease ends. Then
the daemons finish. Every reminder must be sent at least once, and the duplicates (a
delivery id twice in the outbox's sent.log) no more than the rows the killed daemons held
claimed when they died, counted in the database after each kill.

The daemons run on the real clock, so the test holds at any hour: no quiet hours, and the
programme's one session moved to about two hours from now, so its 2h reminders are due
at once (planned beforehand by a `ritme tick` half an hour back, which sends nothing). The
test starts a PostgreSQL of its own (it restarts it). Prints its random seed, then the
counts.

usage: [RITME_CRASH_SEED=N] postgres_crash_test.py RITME-BINARY SOURCE-DIR
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter

SOURCE = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "gateways"))
from test_servers import postgresql  # noqa: E402
import harness  # noqa: E402  (the session moved relative to now, at any hour)

REMINDERS = 10_000
DAEMONS = 3
CHAOS_SECONDS = 30
KILL_EVERY = (0.2, 0.5)   # seconds between kills, drawn at random
BATCH = 100               # dispatch.batch_size below: one batch in flight per daemon
LEASE = 10                # dispatch.lease_seconds below: the least ritme takes
FINISH_SECONDS = 120      # after the chaos, time to send the rest
# Messages a second per daemon, as a gateway's limit would hold it: three daemons need about
# 25 s for the 10,000, so the kills and the restart land while they send.
RATE = 150

PROGRAMME = """
[programme]
id = "crash"
name = "Crash test"
start = 2027-01-11
weeks = 1
region = "noord"

[location.buurthuis]
name = "Buurthuis"
address = "Stationsplein 1"

[[slot]]
day = "tuesday"
start = "10:30"
end = "10:35"
location = "buurthuis"

[reminders]
offsets = ["2h"]
"""

# No quiet hours (an SMS due at night would wait for the morning); a reminder up to an hour
# late is not "missed while down" (the chaos and the import take a while); print = false:
# the outbox prints no line, no text.
CONFIG = """
database = "{database}"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = "{templates}"
listen = "127.0.0.1:0"

[reminders]
offsets = ["2h"]
quiet_hours = "none"

[dispatch]
batch_size = {batch}
lease_seconds = {lease}
late_after_seconds = 3600
shutdown_grace_seconds = 10

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
rate = {rate}
"""


def run(ritme, *args, **kwargs):
    result = subprocess.run([ritme, *args], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"ritme {' '.join(args)} exited {result.returncode}\n{result.stdout}{result.stderr}")
    return result


class Database:
    """psql against the test's server: counts in the outbox."""

    def __init__(self, state):
        self.command = [os.path.join(state["bin"], "psql"), "-X", "-q", "-At", "-h", state["host"],
                        "-p", str(state["port"]), "-U", state["user"], "-d", state["database"], "-c"]

    def query(self, sql):
        for attempt in range(100):  # PostgreSQL may be restarting
            result = subprocess.run(self.command + [sql], capture_output=True, text=True)
            if result.returncode == 0:
                return [line.split("|") for line in result.stdout.splitlines() if line]
            time.sleep(0.1)
        sys.exit(f"psql failed: {result.stderr}")

    def claimed_by_process(self, pid):
        """Rows a daemon of this host with this pid holds claimed (its owner is host:pid:start)."""
        prefix = f"{socket.gethostname()}:{pid}:"
        return int(self.query(f"SELECT count(*) FROM delivery WHERE state = 'claimed' "
                              f"AND starts_with(claimed_by, '{prefix}')")[0][0])


class Daemon:
    """One `ritme serve`, started again as systemd's Restart= would."""

    def __init__(self, ritme, config, work, index):
        self.command = [ritme, "-c", config, "serve"]
        self.work = work
        self.log_path = os.path.join(work, f"serve-{index}.log")
        self.process = None
        self.starts = 0
        self.failed_starts = 0  # exited by itself (the database away at its start)

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=self.work, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.starts += 1

    def running(self):
        return self.process is not None and self.process.poll() is None

    def restart_if_exited(self):
        if self.process is not None and self.process.poll() is not None:
            self.failed_starts += 1
            self.start()

    def kill(self):
        pid = self.process.pid
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        return pid

    def stop(self):
        if not self.running():
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return "no exit within 30 s of SIGTERM"


def main():
    ritme, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    # The seed of the kills' delays and victims, printed first so a failure can be run
    # again with RITME_CRASH_SEED; where each kill lands still depends on the timing.
    seed = int(os.environ.get("RITME_CRASH_SEED", time.time_ns()))
    print(f"postgres crash test: seed {seed} (RITME_CRASH_SEED={seed} runs these choices again)", flush=True)
    rng = random.Random(seed)
    # RITME_KEEP=1 keeps the directory with the daemons' logs.
    work = tempfile.mkdtemp(prefix="ritme-pgcrash-")
    try:
        try:
            server = postgresql.start(os.path.join(work, "postgresql"))
        except postgresql.Absent as e:
            print("skipped: " + str(e))
            return
        daemons = []
        try:
            check(ritme, source, work, server, daemons, rng)
        finally:
            for daemon in daemons:
                if daemon.running():
                    daemon.process.kill()
                    daemon.process.wait()
            postgresql.stop(server)
    finally:
        if os.environ.get("RITME_KEEP"):
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def check(ritme, source, work, server, daemons, rng):
    started = time.monotonic()
    os.makedirs(os.path.join(work, "programmes"))
    programme = os.path.join(work, "programmes", "crash.toml")
    with open(programme, "w") as f:
        f.write(PROGRAMME)
    config = os.path.join(work, "ritme.toml")
    with open(config, "w") as f:
        f.write(CONFIG.format(database=server["url"], templates=os.path.join(source, "config", "templates"),
                              batch=BATCH, lease=LEASE, rate=RATE))
    people = os.path.join(work, "people.csv")
    with open(people, "w") as f:
        f.write("name;phone;language\n")
        for i in range(REMINDERS):
            f.write(f"Deelnemer {i};+3161{i:07d};nl\n")
    run(ritme, "-c", config, "apply", programme, cwd=work)
    # Before anyone is enrolled, so no one gets a notice of the move.
    run(ritme, "-c", config, "session", "move", "crash#1", "--to", harness.session_start_from_now(112, 6), cwd=work)
    run(ritme, "-c", config, "participant", "import", people, "--programme", "crash", cwd=work)
    # Planned by one tick half an hour back, when none was due yet: it sends nothing, and the
    # daemons find 10,000 reminders due.
    run(ritme, "-c", config, "tick", "--now", harness.local_minute(harness.minutes_from_now(-30)), cwd=work)
    planned_rows = int(Database(server).query("SELECT count(*) FROM delivery WHERE state = 'planned'")[0][0])
    if planned_rows != REMINDERS:
        sys.exit(f"the tick planned {planned_rows} reminders, not {REMINDERS}")
    prepared = time.monotonic()

    database = Database(server)
    sent_log = os.path.join(work, "outbox", "sent.log")

    def lines_sent():
        if not os.path.exists(sent_log):
            return 0
        with open(sent_log) as f:
            return sum(1 for _ in f)

    daemons.extend(Daemon(ritme, config, work, i) for i in range(DAEMONS))
    for daemon in daemons:
        daemon.start()
    # The kills begin once the daemons send.
    deadline = time.monotonic() + 120
    while lines_sent() == 0:
        if time.monotonic() > deadline:
            sys.exit("nothing was sent within 120 s of the daemons' start" + tails(daemons))
        for daemon in daemons:
            daemon.restart_if_exited()
        time.sleep(0.01)

    kills = 0
    claimed_at_kills = 0
    kills_holding_claims = 0
    restarted_postgresql_at = None
    restart_after = rng.uniform(CHAOS_SECONDS / 3, 2 * CHAOS_SECONDS / 3)
    chaos_began = time.monotonic()
    progress = []
    while time.monotonic() - chaos_began < CHAOS_SECONDS:
        time.sleep(rng.uniform(*KILL_EVERY))
        for daemon in daemons:
            daemon.restart_if_exited()
        victim = rng.choice(daemons)
        pid = victim.kill()
        kills += 1
        # Dead now, its claims stay as it left them until a daemon gives them back: what it
        # may have sent without writing so is among them.
        claimed = database.claimed_by_process(pid)
        claimed_at_kills += claimed
        kills_holding_claims += claimed > 0
        victim.start()
        progress.append(lines_sent())
        if restarted_postgresql_at is None and time.monotonic() - chaos_began > restart_after:
            restarted_postgresql_at = lines_sent()
            postgresql.restart(server)

    # The last kill: the daemon holding the most claims is not started again, and on this
    # host no other daemon starts to give its claims back, so they wait for their lease to end.
    holding = {int(pid): int(count) for pid, count in database.query(
        "SELECT split_part(claimed_by, ':', 2), count(*) FROM delivery WHERE state = 'claimed' GROUP BY 1")}
    last = max(daemons, key=lambda d: holding.get(d.process.pid, 0))
    pid = last.kill()
    kills += 1
    left_claimed = database.claimed_by_process(pid)
    claimed_at_kills += left_claimed
    kills_holding_claims += left_claimed > 0
    chaos_ended = time.monotonic()

    deadline = chaos_ended + FINISH_SECONDS
    while True:
        counts = dict(database.query("SELECT state, count(*) FROM delivery GROUP BY state"))
        if int(counts.get("sent", 0)) >= REMINDERS:
            break
        if time.monotonic() > deadline:
            sys.exit(f"not every reminder was sent within {FINISH_SECONDS} s of the chaos: {counts}" + tails(daemons))
        for daemon in daemons:
            if daemon is not last:
                daemon.restart_if_exited()
        time.sleep(0.1)
    finished = time.monotonic()
    for daemon in daemons:
        code = daemon.stop()
        if code not in (None, 0):
            sys.exit(f"a daemon ended with {code} after SIGTERM" + tails(daemons))

    with open(sent_log) as f:
        ids = Counter(line.split()[0] for line in f if line.strip())
    planned = {row[0] for row in database.query("SELECT id FROM delivery WHERE kind = 'reminder'")}
    states = dict(database.query("SELECT state, count(*) FROM delivery GROUP BY state"))
    delivered = planned & set(ids)
    duplicates = sum(count - 1 for count in ids.values())
    starts = sum(d.starts for d in daemons)
    failed_starts = sum(d.failed_starts for d in daemons)
    print("sent.log lines after each kill:", " ".join(map(str, progress)))
    print(f"postgres crash test: {kills} kills in {CHAOS_SECONDS} s, {kills_holding_claims} holding claims, "
          f"{claimed_at_kills} rows claimed at the kills (the last one's {left_claimed} went after its lease); "
          f"PostgreSQL restarted at {restarted_postgresql_at} lines; {starts} daemon starts, {failed_starts} of "
          f"them ended by themselves; {len(planned)} reminders planned, {len(delivered)} sent, {duplicates} "
          f"duplicates (bound {claimed_at_kills}, batch × kills {BATCH * kills}), states {states}; "
          f"setup {prepared - started:.1f} s, to the end {finished - chaos_ended:.1f} s after the chaos")

    if len(planned) != REMINDERS:
        sys.exit(f"expected {REMINDERS} reminders planned")
    if delivered != planned:
        sys.exit(f"{len(planned - delivered)} reminders never sent")
    if set(ids) - planned:
        sys.exit("sent.log names deliveries that are not reminders: " + " ".join(sorted(set(ids) - planned)[:10]))
    if int(states.get("sent", 0)) != REMINDERS or len(states) != 1:
        sys.exit("not every reminder is recorded as sent")
    if duplicates > claimed_at_kills:
        sys.exit("more duplicates than the rows the killed daemons held claimed")
    if restarted_postgresql_at is None:
        sys.exit("PostgreSQL was not restarted during the chaos")
    # The logs name no participant and hold no message text.
    for daemon in daemons:
        with open(daemon.log_path, errors="replace") as f:
            log = f.read()
        for secret in ("Deelnemer", "+31610000", "Buurthuis"):
            if secret in log:
                sys.exit(f"{daemon.log_path} holds '{secret}': a name, a full number or a message text")


def tails(daemons):
    text = ""
    for daemon in daemons:
        if os.path.exists(daemon.log_path):
            with open(daemon.log_path, errors="replace") as f:
                text += f"\n--- {daemon.log_path} ---\n" + "".join(f.readlines()[-15:])
    return text


if __name__ == "__main__":
    main()
