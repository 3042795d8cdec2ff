#!/usr/bin/python3
"""`ritme backup` while `ritme serve` runs and sends, then a restore: the copy is the database
at the moment of the backup (what was sent before it stays sent, what came after is not in
it), `ritme status` finds it sound, and `ritme serve` on it sends a new reminder and none of
the old ones again. Reminders go through the outbox adapter; appointments are added due now
on the real clock (harness.World.appointment_due_now), so the test holds at any hour."""
import os
import shutil
import stat
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
FATIMA = "+31612345679"


class BackupTest(unittest.TestCase):
    def setUp(self):
        self.world = harness.World(CHANNELS, real_clock=True)
        self.addCleanup(self.world.close)

    def sent(self):
        path = self.world.path("outbox", "sent.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    def send_one_more(self, participant):
        """An appointment reminder due now for `participant`; waits until it went and its
        row says so (the outbox's file is written before the row is marked sent)."""
        before = len(self.sent())
        self.world.appointment_due_now(participant)
        harness.wait_for(lambda: len(self.sent()) > before, "the appointment reminder to be sent")
        harness.wait_for(lambda: all(r["state"] == "sent" for r in self.appointment_rows(participant)),
                         "the reminder's row to say it was sent")

    def appointment_rows(self, participant):
        return self.world.rows("participant_id = ? AND appointment_id IS NOT NULL", participant)

    def serve(self):
        process = self.world.serve()
        running = process.__enter__()
        harness.wait_for(lambda: " ready " in self.world.serve_log() or running.poll() is not None,
                         "the daemon to be ready")
        self.assertIsNone(running.poll(), self.world.serve_log())
        return process

    def test_a_backup_taken_while_the_daemon_sends_restores_and_serves(self):
        amina = self.world.add("Amina", phone=AMINA)
        os.makedirs(self.world.path("backups"))
        backup = self.world.path("backups", "ritme-1.db")

        daemon = self.serve()
        try:
            self.send_one_more(amina)
            result = self.world.ritme("backup", backup)
            self.assertIn("participants 1,", result.stdout)
            # After the backup: another participant, and her reminder.
            fatima = self.world.add("Fatima", phone=FATIMA)
            self.send_one_more(fatima)
            # The daemon still runs, and a second backup never overwrites the first.
            again = self.world.ritme("backup", backup, check=False)
            self.assertEqual(again.returncode, 2, again.stderr)
            self.assertIn("exists already", again.stderr)
        finally:
            daemon.__exit__(None, None, None)
        self.assertEqual(stat.S_IMODE(os.stat(backup).st_mode), 0o600)
        sent_before = self.sent()
        self.assertEqual(len(sent_before), 2)

        # Restore: with the daemon stopped, the copy over the database, without its old log.
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.world.database + suffix):
                os.remove(self.world.database + suffix)
        shutil.copyfile(backup, self.world.database)
        os.chmod(self.world.database, 0o600)
        # The database as it was at the backup: Amina's reminder sent; Fatima and hers came after it.
        self.assertEqual([r["state"] for r in self.appointment_rows(amina)], ["sent"])
        self.assertNotIn(fatima, [r["participant_id"] for r in self.world.rows()])
        status = self.world.ritme("status", check=False)
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        self.assertIn("integrity check: ok", status.stdout)

        # The restored database serves: a new reminder goes, the one sent before does not again.
        daemon = self.serve()
        try:
            self.send_one_more(amina)
        finally:
            daemon.__exit__(None, None, None)
        self.assertEqual(self.sent()[:2], sent_before)
        self.assertEqual(len(self.sent()), 3)
        self.assertEqual([r["state"] for r in self.appointment_rows(amina)], ["sent", "sent"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
