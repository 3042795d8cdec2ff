#!/usr/bin/python3
"""`ritme serve` keeps its last good set: a programme file with a year typo and a school
calendar whose .ics repeats every second are dropped into the programmes directory. On
SIGHUP and on a restart the daemon runs on, logs both errors with their file:line:col,
and sends the other programmes' reminders through the outbox adapter."""
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CHANNELS = """
[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
"""

AMINA = "+31612345678"

# `start` one key from 2026: Boost.DateTime holds no year 1026 (it threw bad_year).
TYPO_START = """[programme]
id = "typo-start"
name = "Typo"
start = 1026-02-02
region = "noord"

[location.buurthuis]
name = "Buurthuis"

[[slot]]
day = "tuesday"
start = "10:30"
end = "12:00"
"""

SCHOOL = """[school]
id = "de-regenboog"
name = "De Regenboog"
region = "noord"
closed_ics = "regenboog.ics"
"""

EVERY_SECOND_ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//agenda//NL\r\nBEGIN:VEVENT\r\nUID:s\r\n"
                    "DTSTART:20260105T080000\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Studiedag\r\nEND:VEVENT\r\n"
                    "END:VCALENDAR\r\n")

# What each error says, and where.
START_ERROR = "typo-start.toml:4:9: error: [programme]: `start = 1026-02-02` is outside the dates ritme supports"
ICS_ERROR = ("de-regenboog.toml:5:14: error: [school] closed_ics \"regenboog.ics\": line 7: an RRULE repeating "
             "within a day")


class BadFilesTest(unittest.TestCase):
    def setUp(self):
        self.world = harness.World(CHANNELS, real_clock=True)
        self.addCleanup(self.world.close)
        self.amina = self.world.add("Amina", phone=AMINA)

    def sent(self):
        path = self.world.path("outbox", "sent.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    def send_one_more(self):
        """An appointment reminder due now for the good programme; waits until it went."""
        before = len(self.sent())
        self.world.appointment_due_now(self.amina, programme=harness.PROGRAMME_ID)
        harness.wait_for(lambda: len(self.sent()) > before, "the appointment reminder to be sent")

    def drop_bad_files(self):
        programmes = self.world.path("programmes")
        with open(os.path.join(programmes, "typo-start.toml"), "w") as f:
            f.write(TYPO_START)
        with open(os.path.join(programmes, "de-regenboog.toml"), "w") as f:
            f.write(SCHOOL)
        with open(os.path.join(programmes, "regenboog.ics"), "w", newline="") as f:
            f.write(EVERY_SECOND_ICS)

    def test_a_reload_and_a_restart_skip_the_bad_files_and_send_the_rest(self):
        world = self.world
        with world.serve() as process:
            harness.wait_for(lambda: " ready " in world.serve_log(), "the daemon to be ready")
            self.send_one_more()
            self.drop_bad_files()
            process.send_signal(signal.SIGHUP)
            harness.wait_for(lambda: "reloaded" in world.serve_log(), "the reload")
            log = world.serve_log()
            self.assertIn(START_ERROR, log)
            self.assertIn(ICS_ERROR, log)
            self.assertIsNone(process.poll())
            self.send_one_more()

        # A restart with the bad files still there starts, says the same, and sends.
        os.rename(world.path("serve.log"), world.path("first-serve.log"))
        with world.serve() as process:
            harness.wait_for(lambda: " ready " in world.serve_log(), "the daemon to start again")
            log = world.serve_log()
            self.assertIn(START_ERROR, log)
            self.assertIn(ICS_ERROR, log)
            self.send_one_more()
            self.assertIsNone(process.poll())
        self.assertEqual(len(self.sent()), 3)
        # Nothing of the bad files reached the store: no programme typo-start, no school.
        self.assertEqual(world.ritme("status").returncode, 0)
        listed = world.ritme("session", "list", "typo-start", check=False)
        self.assertEqual(listed.returncode, 2)

        # The CLI stays strict: apply refuses the file, config check reports both errors.
        applied = world.ritme("apply", world.path("programmes", "typo-start.toml"), check=False)
        self.assertEqual(applied.returncode, 2)
        checked = world.ritme("config", "check", check=False)
        self.assertEqual(checked.returncode, 2, checked.stdout + checked.stderr)
        self.assertIn(START_ERROR, checked.stderr)
        self.assertIn(ICS_ERROR, checked.stderr)


if __name__ == "__main__":
    harness.main()
