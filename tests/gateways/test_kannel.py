"""SMS through a real Kannel (bearerbox, smsbox and its fake SMS centre on loopback),
driven by `ritme tick` on virtual time and `ritme serve` on real time: what the SMS
centre received (recipient, text, encoding), the rows' provider_status, delivery-report
callbacks with ritme's delivery ids, and the faults: smsbox down, the SMS centre away,
a number Kannel refuses, refused credentials, no sender. Nothing is lost."""
import json
import os
import secrets
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import DUE, World, wait_for  # noqa: E402
from test_servers import kannel  # noqa: E402

SENDER = "Gemeente"
# After the first retry (a minute after harness.DUE, give or take 20%; five minutes for
# a paused channel) and before the 2h reminder expires at 10:00, half an hour before
# the session.
RETRY_TIME = "2027-01-12T08:45"


class KannelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = tempfile.mkdtemp(prefix="ritme-kannel-")
        cls.kannel = kannel.start(cls.servers)

    @classmethod
    def tearDownClass(cls):
        kannel.stop(cls.servers)
        if not os.environ.get("RITME_KEEP"):
            shutil.rmtree(cls.servers, ignore_errors=True)

    def world(self, method="get", password_file=None, sender=SENDER, real_clock=False):
        """A ritme installation sending SMS through Kannel. Delivery ids start at 1 in
        every database, so the dlr-url also carries a tag for this world."""
        self.tag = secrets.token_hex(4)
        lines = [
            "[channel.sms]",
            'adapter = "kannel"',
            f'url = "{self.kannel["sendsms_url"]}"',
            f'username = "{self.kannel["username"]}"',
            f'password_file = "{password_file or self.kannel["password_file"]}"',
            f'dlr_url = "{self.kannel["receipt_url"]}?world={self.tag}&delivery={{delivery}}&type=%d&at=%T"',
            f'method = "{method}"',
            "timeout_seconds = 5",
        ]
        if sender:
            lines.append(f'from = "{sender}"')
        world = World("\n".join(lines) + "\n", real_clock=real_clock)
        self.addCleanup(world.close)
        return world

    # What the gateway saw.

    def received_by(self, phone):
        return [m for m in kannel.received(self.kannel) if m["receiver"] == phone]

    def wait_received(self, phone, count=1):
        return wait_for(lambda: len(self.received_by(phone)) >= count and self.received_by(phone),
                        f"{count} message(s) to {phone} at the fake SMS centre")

    def receipt_types(self, delivery_id):
        return {r["query"].get("type") for r in kannel.receipts(self.kannel)
                if r["query"].get("world") == self.tag and r["query"].get("delivery") == str(delivery_id)}

    def wait_receipts(self, delivery_id, types=("8", "1")):
        wait_for(lambda: set(types) <= self.receipt_types(delivery_id),
                 f"delivery reports {types} for delivery {delivery_id}")

    def assert_gsm7(self, message, text):
        """Sent with coding 0: fakesmsc shows the text itself ("text"), or for a text in
        parts its UTF-8 bytes."""
        self.assertIn(message["type"], ("text", "udh"))
        if message["type"] == "text":
            self.assertEqual(message["text"], text)
        else:
            self.assertEqual(message["data"], text.encode("utf-8"))

    def assert_ucs2(self, message, text):
        """Sent with coding 2: the SMS centre got UTF-16BE, whole or in parts."""
        self.assertIn(message["type"], ("ucs-2", "udh"))
        self.assertEqual(message["data"], text.encode("utf-16-be"))

    # What ritme rendered: `ritme simulate` runs the same planner, templates and
    # dispatcher on a virtual clock for the enrolled participants.

    def rendered(self, world, participant, kind, *window):
        lines = world.ritme("simulate", harness.PROGRAMME_ID, "--format", "jsonl", *window).stdout.splitlines()
        texts = [json.loads(line)["text"] for line in lines
                 if json.loads(line)["participant"] == participant and json.loads(line)["kind"] == kind]
        self.assertEqual(len(texts), 1, f"one {kind} for {participant} in the simulation")
        return texts[0]

    def row_of(self, world, participant, kind="reminder"):
        rows = world.rows("participant_id = ? AND kind = ?", participant, kind)
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    # The tests.

    def test_tick_sends_gsm7_and_ucs2_and_kannel_reports_back(self):
        world = self.world()
        anna = world.add("Anna de Vries", phone="+31611110001", language="nl")
        olena = world.add("Олена Коваль", phone="+31611110002", language="uk")
        fatima = world.add("فاطمة الزهراء", phone="+31611110003", language="ar")
        result = world.tick(DUE)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        for participant, phone, encoding in ((anna, "+31611110001", "gsm7"), (olena, "+31611110002", "ucs2"),
                                             (fatima, "+31611110003", "ucs2")):
            with self.subTest(phone=phone):
                row = self.row_of(world, participant)
                self.assertEqual(row["state"], "sent")
                self.assertEqual(row["provider_status"], "accepted")
                self.assertEqual(row["provider_id"], "")  # Kannel gives none: reports carry the delivery id
                expected = self.rendered(world, participant, "reminder")
                messages = self.wait_received(phone)
                self.assertEqual(len(messages), 1)
                self.assertEqual(messages[0]["sender"], SENDER)
                if encoding == "gsm7":
                    self.assert_gsm7(messages[0], expected)
                else:
                    self.assert_ucs2(messages[0], expected)
                self.wait_receipts(row["id"])

    def test_serve_posts_an_appointment_reminder_at_once(self):
        world = self.world(method="post", real_clock=True)
        phone = "+31611110011"
        sara = world.add("Sara Jansen", phone=phone, language="nl")
        world.appointment_due_now(sara, programme=harness.PROGRAMME_ID)
        with world.serve():
            row = wait_for(lambda: [r for r in world.rows("participant_id = ? AND kind = 'appointment'", sara)
                                    if r["state"] == "sent"], "the appointment reminder sent")[0]
            messages = self.wait_received(phone)
            self.wait_receipts(row["id"])
        self.assertEqual(row["provider_status"], "accepted")
        window = ("--from", harness.local_minute(harness.minutes_from_now(-180)),
                  "--until", harness.local_minute(harness.minutes_from_now(180)))
        self.assertEqual(len(messages), 1)
        self.assert_gsm7(messages[0], self.rendered(world, sara, "appointment", *window))

    def test_smsbox_down_when_due_is_retried_and_sent_once_it_is_back(self):
        world = self.world()
        phone = "+31611110021"
        mila = world.add("Mila Bakker", phone=phone, language="nl")
        kannel.stop_smsbox(self.servers)
        try:
            result = world.tick(DUE, check=False)
        finally:
            self.kannel = kannel.start_smsbox(self.servers)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        row = self.row_of(world, mila)
        self.assertEqual(row["state"], "retry")
        self.assertIn("kannel: no answer", row["reason"])
        self.assertNotIn(self.kannel["password"], row["reason"])
        self.assertEqual(self.received_by(phone), [])

        result = world.tick(RETRY_TIME)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        row = self.row_of(world, mila)
        self.assertEqual(row["state"], "sent")
        self.assertEqual(row["provider_status"], "accepted")
        self.assertEqual(len(self.wait_received(phone)), 1)
        self.wait_receipts(row["id"])

    def test_sms_centre_away_kannel_queues_and_delivers_when_it_returns(self):
        world = self.world()
        phone = "+31611110031"
        noor = world.add("Noor Visser", phone=phone, language="nl")
        kannel.stop_smsc(self.servers)
        try:
            result = world.tick(DUE)
            row = self.row_of(world, noor)
            self.assertEqual(row["state"], "sent")
            self.assertEqual(row["provider_status"], "queued")
            self.assertEqual(self.received_by(phone), [])
        finally:
            self.kannel = kannel.start_smsc(self.servers)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(len(self.wait_received(phone)), 1)
        self.wait_receipts(row["id"])

    def test_a_number_kannel_refuses_fails_with_its_words_and_the_others_go(self):
        world = self.world()
        refused_phone = self.kannel["refused_prefix"] + "001"
        refused = world.add("Eva Smit", phone=refused_phone, language="nl")
        fine = world.add("Lotte Mulder", phone="+31611110041", language="nl")
        result = world.tick(DUE, check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        failed = self.row_of(world, refused)
        self.assertEqual(failed["state"], "failed")
        self.assertTrue(failed["reason"].startswith("kannel: HTTP 400 "), failed["reason"])
        self.assertIn("denied", failed["reason"])
        self.assertEqual(self.row_of(world, fine)["state"], "sent")
        self.assertEqual(len(self.wait_received("+31611110041")), 1)
        self.assertEqual(self.received_by(refused_phone), [])

    def test_refused_credentials_pause_the_channel_and_nothing_is_lost(self):
        wrong = harness.secret_file(tempfile.mkdtemp(dir=self.servers), "wrong.secret", "not-the-password")
        world = self.world(password_file=wrong)
        phone = "+31611110051"
        lina = world.add("Lina de Boer", phone=phone, language="nl")
        result = world.tick(DUE, check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        row = self.row_of(world, lina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("kannel: HTTP 403", row["reason"])
        self.assertNotIn("not-the-password", row["reason"])
        self.assertNotIn("not-the-password", result.stdout + result.stderr)
        self.assertEqual(self.received_by(phone), [])

        # The operator puts the right password in the file; the next tick sends.
        with open(wrong, "w") as f:
            f.write(self.kannel["password"] + "\n")
        result = world.tick(RETRY_TIME)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(self.row_of(world, lina)["state"], "sent")
        self.assertEqual(len(self.wait_received(phone)), 1)

    def test_no_sender_anywhere_is_the_channels_config_not_the_message(self):
        world = self.world(sender=None)  # the test Kannel's sendsms-user has no default-sender
        phone = "+31611110061"
        iris = world.add("Iris Dekker", phone=phone, language="nl")
        result = world.tick(DUE, check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        row = self.row_of(world, iris)
        self.assertEqual(row["state"], "retry")
        self.assertIn("kannel: HTTP 400 Sender missing", row["reason"])
        self.assertIn("`from`", row["reason"])
        self.assertEqual(self.received_by(phone), [])


if __name__ == "__main__":
    harness.main()
