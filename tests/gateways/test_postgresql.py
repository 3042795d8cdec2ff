#!/usr/bin/python3
"""`ritme serve` end to end on PostgreSQL: the config's database is a postgresql:// URL with
its password_file, `ritme apply`, `session move` and `participant add` write through the same
URL, and the daemon sends what falls due (outbox), woken by PostgreSQL's notifications when
another process adds something while it runs. `ritme status` reads the same database and
finds it sound. Reminders are due relative to now (harness.World with real_clock), so the
test holds at any hour.

The server is the one CTest's `postgresql` fixture started (RITME_TEST_POSTGRESQL names its
state); the test works in a schema of its own there."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CHANNELS = """
[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
"""

AMINA = "+31612345678"
FATIMA = "+31612345679"
PASSWORD = "not-needed-by-a-trusting-server"


def test_server():
    """The fixture's server state, or None when PostgreSQL is not installed."""
    path = os.environ.get("RITME_TEST_POSTGRESQL")
    if not path:
        raise unittest.SkipTest("RITME_TEST_POSTGRESQL is not set: run this through ctest")
    with open(path) as f:
        state = json.load(f)
    return None if "absent" in state else state


class PostgresServeTest(unittest.TestCase):
    def setUp(self):
        server = test_server()
        if server is None:
            print("skipped: PostgreSQL is not installed")
            self.skipTest("PostgreSQL is not installed")
        schema = f"gateway_{os.getpid()}_{time.time_ns() % 1_000_000}"
        psql = [os.path.join(server["bin"], "psql"), "-X", "-q", "-At", "-h", server["host"], "-p",
                str(server["port"]), "-U", server["user"], "-d", server["database"], "-c"]
        subprocess.run(psql + [f"CREATE SCHEMA {schema}"], check=True, capture_output=True)
        self.psql = lambda sql: subprocess.run(psql + [f"SET search_path = {schema}; {sql}"], check=True,
                                               capture_output=True, text=True).stdout.split()
        # The password's own file, 0600, named in the URL: libpq never sees it in a URL.
        self.secrets = tempfile.mkdtemp(prefix="ritme-pg-secret-")
        self.addCleanup(shutil.rmtree, self.secrets, True)
        password_file = harness.secret_file(self.secrets, "db-password", PASSWORD)
        self.url = (server["url"] + "&options=" + urllib.parse.quote("-csearch_path=" + schema, safe="")
                    + "&password_file=" + urllib.parse.quote(password_file, safe=""))
        self.world = harness.World(CHANNELS, real_clock=True, offsets=["2h"], database=self.url)
        self.addCleanup(self.world.close)

    def sent(self):
        path = self.world.path("outbox", "sent.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [line.split()[0] for line in f if line.strip()]

    def counts(self):
        status = self.world.ritme("status", "--format", "json", check=False)
        self.assertIn(status.returncode, (0, 3), status.stdout + status.stderr)
        out = json.loads(status.stdout)
        self.assertEqual(out["database"]["integrity"], "ok")
        return {(c["state"], c["channel"]): c["count"] for c in out["counts"]}

    def test_serve_sends_what_falls_due_and_status_reads_it(self):
        # The session moved to about two hours from now: its 2h reminder is due at once.
        self.world.session_due_now()
        amina = self.world.add("Amina", phone=AMINA)
        # Written through the URL: the tables are in the schema, none in SQLite.
        self.assertEqual(self.psql("SELECT count(*) FROM participant"), ["1"])
        self.assertFalse(os.path.exists(self.world.path("ritme.db")))

        with self.world.serve() as daemon:
            harness.wait_for(lambda: " ready " in self.world.serve_log() or daemon.poll() is not None,
                             "the daemon to be ready")
            self.assertIsNone(daemon.poll(), self.world.serve_log())
            harness.wait_for(lambda: len(self.sent()) == 1, "Amina's session reminder")
            # Another process adds a participant and an appointment while the daemon sleeps:
            # its commits' notifications wake the daemon, which plans and sends both.
            fatima = self.world.add("Fatima", phone=FATIMA)
            self.world.appointment_due_now(fatima)
            harness.wait_for(lambda: len(self.sent()) == 3, "Fatima's session and appointment reminders")
            harness.wait_for(lambda: self.counts().get(("sent", "sms")) == 3, "the rows to say sent")
        self.assertEqual(len(set(self.sent())), 3)
        log = self.world.serve_log()
        self.assertNotIn(PASSWORD, log)
        self.assertNotIn(AMINA, log)

        # The rows as the database has them: Amina's and Fatima's session reminders and
        # Fatima's appointment reminder, sent once each.
        rows = self.psql("SELECT participant_id || ':' || kind || ':' || state FROM delivery "
                         "WHERE kind IN ('reminder', 'appointment') ORDER BY id")
        self.assertEqual(sorted(rows), sorted([f"{amina}:reminder:sent", f"{fatima}:reminder:sent",
                                               f"{fatima}:appointment:sent"]))
        status = self.world.ritme("status")
        self.assertIn("database: " + self.url + " (integrity check: ok)", status.stdout)
        self.assertNotIn(PASSWORD, status.stdout + status.stderr)

        # A time past the year 9999 in a row: status names the check that found it, ritme's
        # own checks of the outbox on PostgreSQL, not SQLite's pragma.
        self.psql("UPDATE delivery SET expires_at = 999999999999 WHERE id = (SELECT min(id) FROM delivery)")
        damaged = self.world.ritme("status", check=False)
        self.assertEqual(damaged.returncode, 1, damaged.stdout + damaged.stderr)
        self.assertIn(" is damaged (ritme's checks of the outbox on PostgreSQL):\n", damaged.stderr)
        self.assertIn("a time ritme cannot hold", damaged.stderr)
        self.assertNotIn("PRAGMA", damaged.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
