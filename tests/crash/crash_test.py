#!/usr/bin/python3
"""Crash test: `ritme tick` killed with SIGKILL at random moments while 10,000 reminders
are due through the outbox adapter, 20 times, restarted each time. Then one run to the
end. Every reminder must be delivered at least once, and the duplicates (the same
delivery id twice in the outbox's sent.log) no more than the kills times the in-flight
bound. Prints its random seed, then the counts.

usage: [RITME_CRASH_SEED=N] crash_test.py RITME-BINARY SOURCE-DIR
"""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter

REMINDERS = 10_000
KILLS = 20
BATCH = 100          # dispatch.batch_size below: a tick has one batch in flight
NOW = "2027-01-12T08:31"  # the 2h reminders for Tuesday 10:30 fell due at 08:30

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
end = "12:00"
location = "buurthuis"

[reminders]
offsets = ["2h"]
"""

CONFIG = """
database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = "{templates}"

[dispatch]
batch_size = {batch}

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
"""


def run(ritme, *args, **kwargs):
    return subprocess.run([ritme, *args], check=True, capture_output=True, text=True, **kwargs)


def main():
    ritme, source = sys.argv[1], sys.argv[2]
    # The seed of the kill delays, printed first so a failure can be run again with
    # RITME_CRASH_SEED; where each kill lands still depends on the machine's timing.
    seed = int(os.environ.get("RITME_CRASH_SEED", time.time_ns()))
    print(f"crash test: seed {seed} (RITME_CRASH_SEED={seed} runs these delays again)", flush=True)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="ritme-crash-") as work:
        os.makedirs(os.path.join(work, "programmes"))
        with open(os.path.join(work, "programmes", "crash.toml"), "w") as f:
            f.write(PROGRAMME)
        config = os.path.join(work, "ritme.toml")
        with open(config, "w") as f:
            f.write(CONFIG.format(templates=os.path.join(source, "config", "templates"), batch=BATCH))
        people = os.path.join(work, "people.csv")
        with open(people, "w") as f:
            f.write("name;phone;language\n")
            for i in range(REMINDERS):
                f.write(f"Deelnemer {i};+3161{i:07d};nl\n")
        run(ritme, "-c", config, "apply", os.path.join(work, "programmes", "crash.toml"))
        run(ritme, "-c", config, "participant", "import", people, "--programme", "crash")

        database = os.path.join(work, "ritme.db")
        sent_log = os.path.join(work, "outbox", "sent.log")
        tick = [ritme, "-c", config, "tick", "--now", NOW]
        killed_mid_work = 0
        progress = []
        def lines_sent():
            return sum(1 for _ in open(sent_log)) if os.path.exists(sent_log) else 0

        for _ in range(KILLS):
            before = lines_sent()
            process = subprocess.Popen(tick, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Once this run is sending, the kill lands at a random moment.
            while process.poll() is None and lines_sent() == before:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.05))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed_mid_work += 1
            process.wait()
            progress.append(lines_sent())

        final = subprocess.run(tick, capture_output=True, text=True)
        if final.returncode != 0:
            print(final.stdout, final.stderr)
            sys.exit("the last tick did not finish cleanly")

        lines = open(sent_log).read().split("\n") if os.path.exists(sent_log) else []
        ids = Counter(line.split()[0] for line in lines if line.strip())
        with sqlite3.connect(database) as db:
            planned = {str(row[0]) for row in db.execute("SELECT id FROM delivery WHERE kind = 'reminder'")}
            states = dict(db.execute("SELECT state, count(*) FROM delivery GROUP BY state").fetchall())
        delivered = planned & set(ids)
        duplicates = sum(count - 1 for count in ids.values())
        bound = killed_mid_work * BATCH
        print("sent.log lines after each kill:", " ".join(map(str, progress)))
        print(f"crash test: {killed_mid_work} of {KILLS} kills landed mid-work; "
              f"{len(planned)} reminders planned, {len(delivered)} delivered, "
              f"{duplicates} duplicates (bound {bound}), states {states}")
        if len(planned) != REMINDERS:
            sys.exit(f"expected {REMINDERS} reminders planned")
        if delivered != planned:
            sys.exit(f"{len(planned - delivered)} reminders never delivered")
        if states.get("sent") != REMINDERS:
            sys.exit("not every reminder is recorded as sent")
        if duplicates > bound:
            sys.exit("more duplicates than the in-flight bound")


if __name__ == "__main__":
    main()
