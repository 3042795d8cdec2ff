"""A ritme installation in a temporary directory for the gateway tests: a daemon config
with the channels a test gives, one programme with a session on Tuesday 12 January
2027 at 10:30–10:35 and a 2h reminder (due 08:30), participants enrolled in it, and ways to
run `ritme tick` on virtual time, `ritme serve` on real time, and read the outbox.

A test must pass at any hour on any date. `ritme tick --now` runs on a clock the test
sets, so quiet hours and the programme's dates hold there as written. `ritme serve` runs
on the real clock, so only a world made with real_clock=True may serve: it keeps no
quiet hours (an SMS due at night would wait until 07:00) and sends no session reminders
(the programme's own would fall due on the real clock on 12 January 2027 between 08:30
and 10:00); what such a test sends it adds itself, relative to now: an appointment
(appointment_due_now), or the session moved to 112 minutes from now in a world given
session offsets (session_due_now).

Environment: RITME (the binary) and RITME_SOURCE (the source tree), set by CTest."""
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

RITME = os.environ.get("RITME", "build/ritme")
SOURCE = os.environ.get("RITME_SOURCE", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
from test_servers import common  # noqa: E402,F401  (re-exported for the tests)

ZONE = ZoneInfo("Europe/Amsterdam")
PROGRAMME_ID = "gw"
DUE = "2027-01-12T08:31"      # a minute after the 2h reminder for the 10:30 session fell due
LATER = "2027-01-12T09:30"    # still before the session and its 30 minutes of notice, after the retries the tests expect
SESSION_MINUTES = 5        # the programme's slot, 10:30-10:35: short, so a session moved near now clears midnight

PROGRAMME = """
[programme]
id = "{programme_id}"
name = "Gateway test"
start = 2027-01-11
weeks = 1
region = "noord"

[location.buurthuis]
name = "Buurthuis De Kroon"
address = "Stationsplein 1, Almere"

[[slot]]
day = "tuesday"
start = "10:30"
end = "10:35"
location = "buurthuis"

[reminders]
offsets = [{offsets}]

[lead]
name = "Fatima"
phone = "+31612340000"
email = "fatima@gemeente.example"
"""

CONFIG = """
database = "{database}"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = "{templates}"
log_level = "debug"
listen = "{listen}"

[reminders]
offsets = [{offsets}]
appointment_offsets = ["2h"]
quiet_hours = "{quiet_hours}"

[dispatch]
{dispatch}

{channels}
"""


class World:
    """One ritme installation. `channels` is the TOML of its [channel.*] tables.
    real_clock: a world for `ritme serve` (see the top of this file). offsets: the
    programme's session reminders, for a real-clock test that moves the session to
    a time relative to now (session_due_now). listen: the address `ritme serve` takes,
    for a gateway whose config must name it before ritme starts (Kannel's get-url);
    by default any free port, as tests run side by side. database: the config's, by default
    an SQLite file in the directory (rows() reads only that)."""

    def __init__(self, channels, dispatch="", keep=False, real_clock=False, offsets=None, listen="127.0.0.1:0",
                 database="ritme.db"):
        self.dir = tempfile.mkdtemp(prefix="ritme-gateway-")
        self.keep = keep or bool(os.environ.get("RITME_KEEP"))
        self.real_clock = real_clock
        if offsets is None:
            offsets = [] if real_clock else ["2h"]
        offsets = ", ".join(f'"{o}"' for o in offsets)
        os.makedirs(os.path.join(self.dir, "programmes"))
        with open(os.path.join(self.dir, "programmes", PROGRAMME_ID + ".toml"), "w") as f:
            f.write(PROGRAMME.format(programme_id=PROGRAMME_ID, offsets=offsets))
        self.config = os.path.join(self.dir, "ritme.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(templates=os.path.join(SOURCE, "config", "templates"), dispatch=dispatch,
                                  channels=channels, offsets=offsets, listen=listen, database=database,
                                  quiet_hours="none" if real_clock else "22:00-07:00"))
        self.database = database if "://" in database else os.path.join(self.dir, database)
        self.ritme("apply", os.path.join(self.dir, "programmes", PROGRAMME_ID + ".toml"))

    def close(self):
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def ritme(self, *args, check=True, env=None):
        result = subprocess.run([RITME, "-c", self.config, *args], capture_output=True, text=True,
                                env={**os.environ, **(env or {})}, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"ritme {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def add(self, name, phone=None, email=None, language="nl", channels=None, enrol=True):
        """Adds a participant (enrolled in the programme) and returns her id."""
        args = ["participant", "add", "--name", name, "--language", language]
        if phone:
            args += ["--phone", phone]
        if email:
            args += ["--email", email]
        if channels:
            args += ["--channels", channels]
        if enrol:
            args += ["--programme", PROGRAMME_ID]
        return self.ritme(*args).stdout.strip()

    def appointment_due_now(self, participant, where="Stationsplein 1, Almere", note="Bus 4 tot halte Stadhuis",
                            programme=None):
        """An appointment 110 minutes from now (real time): its 2h reminder is already
        due, so `ritme serve` sends it at once. Returns its local time as given."""
        at = local_minute(minutes_from_now(110))
        args = ["--programme", programme] if programme else []
        self.ritme("appointment", "add", "--participant", participant, "--at", at, "--duration", "1h",
                   "--where", where, "--note", note, *args)
        return at

    def session_due_now(self):
        """Moves the programme's only session to 112 minutes from now (real time), or 118
        when a session starting then would end after midnight (a move refuses that): with
        offsets ["2h"] its reminder is already due, by less than min_notice, so `ritme
        serve` sends it at once, also when a 1h reminder is still to come. Move it before
        adding participants, or each gets a notice of the move."""
        at = session_start_from_now(112, 6)
        self.ritme("session", "move", PROGRAMME_ID + "#1", "--to", at)
        return at

    def tick(self, now=DUE, check=True, env=None):
        return self.ritme("tick", "--now", now, check=check, env=env)

    def rows(self, where="1", *params):
        """Delivery rows as dicts, oldest first."""
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(f"SELECT * FROM delivery WHERE {where} ORDER BY id", params)]

    def states(self, kind=None):
        rows = self.rows() if kind is None else self.rows("kind = ?", kind)
        return sorted(r["state"] for r in rows)

    @contextlib.contextmanager
    def serve(self, env=None):
        """`ritme serve` on real time; stopped with SIGTERM (it drains and exits 0)."""
        if not self.real_clock:
            raise AssertionError("ritme serve runs on the real clock: make its World with real_clock=True, or "
                                 "the test depends on the hour (quiet hours) and the date (the programme)")
        log_path = self.path("serve.log")
        log = open(log_path, "ab")
        process = subprocess.Popen([RITME, "-c", self.config, "serve"], stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        log.close()
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    code = process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    raise AssertionError("ritme serve did not stop within 30 s of SIGTERM")
                if code != 0:
                    raise AssertionError(f"ritme serve exited {code}" + common.tail(log_path))

    def serve_log(self):
        path = self.path("serve.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()


def minutes_from_now(minutes):
    """A moment `minutes` of real time from now. Counted in UTC: Python adds a timedelta
    to an aware local time on the wall clock, which is an hour off across a DST change."""
    return datetime.now(timezone.utc) + timedelta(minutes=minutes)


def session_start_from_now(minutes, shift):
    """The local minute `minutes` from now for the programme's session to start, or
    `minutes + shift` when a session starting then would end after local midnight: a move
    refuses a session that does, and from about 22:00 a start a fixed time from now
    would. The session is SESSION_MINUTES long, so a shift of more than that past
    midnight is always clear of it."""
    start = minutes_from_now(minutes)
    end = start + timedelta(minutes=SESSION_MINUTES)
    if end.astimezone(ZONE).date() != start.astimezone(ZONE).date():
        start = minutes_from_now(minutes + shift)
    return local_minute(start)


def local_minute(moment):
    """`moment` as the local minute ritme's options read (2027-01-12T08:31). In the
    autumn's repeated hour ritme takes the first of the two; a test that adds something
    due now and starting 110 minutes later keeps more than min_notice either way."""
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def wait_for(condition, what, timeout=30.0):
    """Waits for something another process does (a message arriving, a row changing).
    Returns the condition's value once it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def secret_file(directory, name, content):
    """A secret file as ritme wants it: readable by its owner only."""
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(content + "\n")
    os.chmod(path, 0o600)
    return path


def main():
    unittest.main(verbosity=2)
