#!/usr/bin/python3
"""`ritme serve` and `ritme tick` under systemd's journal, and with stdout a pipe.

Under systemd, JOURNAL_STREAM names the device and inode of the stream standard error
goes to; here it names a file both stdout and stderr are written to, as the journal's
stream would be. Every line on stderr then starts with its syslog priority: <3> errors,
<4> warnings (a holiday not confirmed yet, at the start and at every reload, is a
warning), <6> info. The outbox adapter prints no message text there, not even with
print_text = "always"; with stdout a pipe it prints none by default. A JOURNAL_STREAM
inherited by a process whose stderr goes elsewhere changes nothing."""
import os
import re
import shutil
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

AMINA = "+31612345678"
PRIORITY = re.compile(r"^<([0-7])>")

# The shipped Almere track: its May holiday is not confirmed yet, a warning.
ALMERE = os.path.join(harness.SOURCE, "config", "programmes", "almere-vrouwen-2026.toml")
NOT_CONFIRMED = "is not confirmed yet"

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
TYPO_ERROR = "typo-start.toml:4:9: error: [programme]: `start = 1026-02-02` is outside the dates ritme supports"


def channels(print_text):
    return f"""
[channel.sms]
adapter = "outbox"
dir = "outbox"
print_text = "{print_text}"
"""


def journal_stream_of(path):
    """JOURNAL_STREAM as systemd sets it for a stream: device:inode."""
    status = os.stat(path)
    return f"{status.st_dev}:{status.st_ino}"


def lines_at(log, priority, part):
    return [line for line in log.splitlines() if line.startswith(f"<{priority}>") and part in line]


class JournalTest(unittest.TestCase):
    def assert_private(self, text, world):
        """No message text, address or whole phone number in `text`."""
        self.assertNotIn(AMINA, text)
        for part in ("Buurthuis De Kroon", "Stationsplein", "Bus 4 tot halte", "Wijkcentrum De Schakel"):
            self.assertNotIn(part, text)
        # The outbox files do hold the text: they are the messages.
        files = [f for f in os.listdir(world.path("outbox")) if f.endswith(".txt")]
        self.assertTrue(files)

    def test_serve_logs_priorities_and_warnings_stay_warnings_at_a_reload(self):
        world = harness.World(channels("always"), real_clock=True)
        self.addCleanup(world.close)
        shutil.copy(ALMERE, world.path("programmes"))
        amina = world.add("Amina", phone=AMINA)
        log_path = world.path("serve.log")
        open(log_path, "wb").close()
        with world.serve(env={"JOURNAL_STREAM": journal_stream_of(log_path)}) as process:
            harness.wait_for(lambda: "info ready " in world.serve_log(), "the daemon to be ready")
            world.appointment_due_now(amina)
            harness.wait_for(lambda: "delivery.sent" in world.serve_log(), "the appointment reminder to be sent")
            with open(world.path("programmes", "typo-start.toml"), "w") as f:
                f.write(TYPO_START)
            process.send_signal(signal.SIGHUP)
            harness.wait_for(lambda: "reloaded" in world.serve_log(), "the reload")
        log = world.serve_log()

        # Every line carries its priority, but for the outbox's lines on stdout (info).
        for line in log.splitlines():
            if not line.startswith("outbox: #"):
                self.assertRegex(line, PRIORITY, log)
        self.assertTrue(lines_at(log, 6, "info ready "), log)
        self.assertTrue(lines_at(log, 6, "info delivery.sent"), log)
        # The holiday warning: at the start (a diagnostic) and at the reload (a log line), a
        # warning both times, never an error.
        self.assertGreaterEqual(len(lines_at(log, 4, NOT_CONFIRMED)), 2, log)
        self.assertTrue(lines_at(log, 4, "warning config " + world.path("programmes", ALMERE_NAME)), log)
        self.assertEqual(lines_at(log, 3, NOT_CONFIRMED), [], log)
        # The programme with a typo is an error at the reload.
        self.assertTrue(lines_at(log, 3, "error config " + world.path("programmes", TYPO_ERROR)), log)
        # The outbox printed its line, without the text: stdout is the journal.
        outbox_lines = [line for line in log.splitlines() if line.startswith("outbox: #")]
        self.assertTrue(outbox_lines, log)
        for line in outbox_lines:
            self.assertRegex(line, r"^outbox: #\d+ sms \+31 6 \*\*\*\*5678 nl \d segments?$")
        self.assert_private(log, world)

    def test_tick_under_the_journal(self):
        world = harness.World(channels("always"))
        self.addCleanup(world.close)
        shutil.copy(ALMERE, world.path("programmes"))
        with open(world.path("programmes", "typo-start.toml"), "w") as f:
            f.write(TYPO_START)
        world.add("Amina", phone=AMINA)
        out_path = world.path("tick.log")
        with open(out_path, "wb") as out:
            env = {**os.environ, "JOURNAL_STREAM": journal_stream_of(out_path)}
            code = harness.subprocess.run([harness.RITME, "-c", world.config, "tick", "--now", harness.DUE],
                                          stdout=out, stderr=out, env=env, timeout=120).returncode
        self.assertEqual(code, 1)  # a file was skipped
        with open(out_path, errors="replace") as f:
            log = f.read()
        self.assertTrue(lines_at(log, 6, "info delivery.sent"), log)
        self.assertTrue(lines_at(log, 4, NOT_CONFIRMED), log)
        self.assertEqual(lines_at(log, 3, NOT_CONFIRMED), [], log)
        self.assertTrue(lines_at(log, 3, TYPO_ERROR), log)
        self.assertTrue(lines_at(log, 3, "ritme tick: 1 file skipped"), log)
        self.assert_private(log, world)

    def test_stdout_a_pipe_shows_no_text_and_an_inherited_journal_stream_changes_nothing(self):
        world = harness.World(channels("terminal"))
        self.addCleanup(world.close)
        world.add("Amina", phone=AMINA)
        # JOURNAL_STREAM names another stream than this stderr (a pipe): no priorities.
        result = world.tick(env={"JOURNAL_STREAM": journal_stream_of(world.config)})
        self.assertRegex(result.stdout, r"outbox: #\d+ sms \+31 6 \*\*\*\*5678 nl \d segments?\n")
        self.assertRegex(result.stderr, r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info delivery\.sent ")
        self.assertNotRegex(result.stderr, r"(?m)^<\d>")
        self.assert_private(result.stdout + result.stderr, world)


ALMERE_NAME = "almere-vrouwen-2026.toml"

if __name__ == "__main__":
    harness.main()
