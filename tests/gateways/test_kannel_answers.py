#!/usr/bin/python3
"""Participants' answers and delivery reports through a real Kannel and `ritme serve` on
the real clock. Kannel's sms-service passes each text a phone sends to ritme's
/inbound/sms with the get-url README.md gives (max-messages = 0); its dlr-url, ritme's
default shape pointing at this ritme's port, brings the reports to /receipts/sms. Both
carry the channel's receipt token. ritme listens on a port chosen before Kannel starts,
since Kannel's config names it.

A participant can answer only a reminder sent to her for a session that has not
started: the programme's only session is moved to 110 minutes from now, so its 2h
reminder is due at once (its 1h reminder is still to come, to see it cancelled), and
each test waits for that reminder at the SMS centre before she answers. Nothing here
waits for the clock: every wait is for a condition. The tests hold at any hour and
date (quiet_hours = "none" in a real-clock world).

fakesmsc only sends "delivered" reports (Kannel's types 8 and 1). Types 2 (not
delivered) and 16 (rejected by the SMS centre) are sent to ritme's receipt URL by the
test itself, as Kannel would call it: the same URL shape, %d replaced by the type."""
import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import World, secret_file, wait_for  # noqa: E402
from test_servers import common, kannel  # noqa: E402

SENDER = "Gemeente"
LEAD_PHONE = "+31612340000"  # harness.PROGRAMME's lead
INBOUND_QUERY = "from=%p&to=%P&coding=%c&charset=%C&text=%b&id=%I&at=%t"


class KannelAnswersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = tempfile.mkdtemp(prefix="ritme-kannel-answers-")
        cls.port = common.free_port()
        cls.token = secrets.token_hex(16)
        cls.token_file = secret_file(cls.servers, "receipts.secret", cls.token)
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.kannel = kannel.start(cls.servers,
                                  inbound_url=f"{cls.base}/inbound/sms?{INBOUND_QUERY}&token={cls.token}")

    @classmethod
    def tearDownClass(cls):
        kannel.stop(cls.servers)
        if not os.environ.get("RITME_KEEP"):
            shutil.rmtree(cls.servers, ignore_errors=True)

    def world(self):
        """SMS through Kannel with an e-mail fallback (outbox), serving on the port
        Kannel calls; the session reminded 2h and 1h before, moved to 110 minutes from
        now (before anyone is enrolled: no notice of the move)."""
        channels = f"""
[channel.sms]
adapter = "kannel"
url = "{self.kannel["sendsms_url"]}"
username = "{self.kannel["username"]}"
password_file = "{self.kannel["password_file"]}"
from = "{SENDER}"
receipt_token_file = "{self.token_file}"
dlr_url = "{self.base}/receipts/{{channel}}?delivery={{delivery}}&type=%d&reply=%A&token={{token}}"
timeout_seconds = 5
fallback = "email"

[channel.email]
adapter = "outbox"
dir = "outbox"
"""
        world = World(channels, real_clock=True, offsets=["2h", "1h"], listen=f"127.0.0.1:{self.port}")
        self.addCleanup(world.close)
        world.session_due_now()
        return world

    # What the SMS centre saw.

    def received_by(self, phone):
        return [m for m in kannel.received(self.kannel) if m["receiver"] == phone]

    @staticmethod
    def text_of(message):
        if message["text"] is not None:
            return message["text"]
        data = message["data"]
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16-be") if len(data) % 2 == 0 and b"\x00" in data else data.decode("utf-8")
        return data.decode("utf-8", errors="replace")

    def texts_to(self, phone):
        return [self.text_of(m) for m in self.received_by(phone)]

    def wait_text(self, phone, *words):
        """Waits for a text to `phone` holding every one of `words`; returns it."""
        def found():
            return next((t for t in self.texts_to(phone) if all(w in t for w in words)), None)
        return wait_for(found, f"a text with {words} to {phone[:-4]}****")

    # What ritme stored.

    def query(self, world, sql, *params):
        with contextlib.closing(sqlite3.connect(world.database)) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(sql, params)]

    def answers(self, world, participant):
        return self.query(world, "SELECT * FROM answer WHERE participant_id = ? ORDER BY id", participant)

    def reminders(self, world, participant):
        return world.rows("participant_id = ? AND kind = 'reminder'", participant)

    def wait_reminder_sent(self, world, participant, phone):
        wait_for(lambda: any(r["state"] == "sent" and r["channel"] == "sms"
                             for r in self.reminders(world, participant)), "the 2h reminder sent")
        return self.wait_text(phone, "Buurthuis De Kroon")

    def receipt_statuses(self, world, delivery_id):
        return [r["status"] for r in self.query(world, "SELECT status FROM delivery_receipt WHERE delivery_id = ? "
                                                       "ORDER BY id", delivery_id)]

    def unknown_count(self, world):
        rows = self.query(world, "SELECT value FROM setting WHERE key = 'answers.unknown_senders'")
        return int(rows[0]["value"]) if rows else 0

    def call_as_kannel(self, delivery_id, dlr_type, token=None, reply="id:1 sub:001 dlvrd:000 stat:UNDELIV err:001"):
        query = urllib.parse.urlencode({"delivery": delivery_id, "type": dlr_type, "reply": reply,
                                        "token": self.token if token is None else token})
        try:
            with urllib.request.urlopen(f"{self.base}/receipts/sms?{query}", timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    # The tests.

    def test_answers_are_stored_confirmed_told_to_the_lead_and_cancel_her_reminders(self):
        world = self.world()
        cases = [
            # name, phone, language, what she sends, read as, words in her confirmation
            ("Anna Nee", "+31611120001", "nl", "nee", "cannot_come", ("Dank je, Anna", "afgemeld")),
            ("Bibi Hoofdletters", "+31611120002", "nl", "NEE!", "cannot_come", ("Dank je, Bibi", "afgemeld")),
            ("فاطمة العربية", "+31611120003", "ar", "لا", "cannot_come", ("شكرا فاطمة", "اعتذارك")),
            ("Chantal Een", "+31611120004", "nl", "1", "cannot_come", ("Dank je, Chantal", "afgemeld")),
            ("Dewi Vrij", "+31611120006", "nl", "Mijn zoon is ziek, ik bel morgen", "free_text",
             ("Dank je, Dewi", "doorgegeven")),
        ]
        ids = {}
        for name, phone, language, *_ in cases:
            ids[phone] = world.add(name, phone=phone, language=language)
        stop_phone = "+31611120005"
        stop_id = world.add("Eva Stop", phone=stop_phone, email="eva@example.org", language="nl")
        unknown = "+31611129999"

        with world.serve():
            for _, phone, *_ in cases:
                self.wait_reminder_sent(world, ids[phone], phone)
            self.wait_reminder_sent(world, stop_id, stop_phone)
            for participant in [*ids.values(), stop_id]:
                later = [r for r in self.reminders(world, participant) if r["reminder_offset"] == "1h"]
                self.assertEqual([r["state"] for r in later], ["planned"], "the 1h reminder is still to come")

            for name, phone, language, text, read_as, confirmation in cases:
                with self.subTest(text=text):
                    kannel.send_mo(self.kannel, phone, text)
                    answer = wait_for(lambda: self.answers(world, ids[phone]), f"the answer {text!r} stored")
                    self.assertEqual(len(answer), 1, answer)
                    self.assertEqual(answer[0]["words"], text)
                    self.assertEqual(answer[0]["read_as"], read_as)
                    self.assertEqual(answer[0]["channel"], "sms")
                    self.assertEqual(answer[0]["too_late"], 0)
                    self.wait_text(phone, *confirmation)
                    alert = self.wait_text(LEAD_PHONE, name, text)
                    self.assertTrue(alert.startswith("ritme: " + name), alert)
                    if read_as == "cannot_come":
                        self.assertIn("kan niet komen", alert)
                        wait_for(lambda: [r["state"] for r in self.reminders(world, ids[phone])
                                          if r["reminder_offset"] == "1h"] == ["cancelled"],
                                 "her 1h reminder cancelled")
                        attendance = self.query(world, "SELECT status FROM attendance WHERE participant_id = ?",
                                                ids[phone])
                        self.assertEqual(attendance, [{"status": "excused"}])
                    else:
                        self.assertIn("stuurt een bericht", alert)
                        self.assertEqual([r["state"] for r in self.reminders(world, ids[phone])
                                          if r["reminder_offset"] == "1h"], ["planned"])
                    shown = world.ritme("participant", "show", ids[phone]).stdout
                    self.assertIn(read_as.replace("_", " "), shown.replace("_", " "))

            # STOP: one confirmation by SMS, the lead is told, her reminders go by e-mail.
            kannel.send_mo(self.kannel, stop_phone, "STOP")
            answer = wait_for(lambda: self.answers(world, stop_id), "the STOP stored")
            self.assertEqual([(a["words"], a["read_as"]) for a in answer], [("STOP", "stop")])
            self.wait_text(stop_phone, "geen sms meer")
            self.wait_text(LEAD_PHONE, "Eva Stop", "STOP")
            def hour_before():
                return sorted((r["channel"], r["state"]) for r in self.reminders(world, stop_id)
                              if r["reminder_offset"] == "1h")
            wait_for(lambda: hour_before() == [("email", "planned"), ("sms", "cancelled")],
                     "her 1h reminder moved from SMS to e-mail")
            self.assertIn("(no SMS: opted out)", world.ritme("participant", "show", stop_id).stdout)
            # The 2h reminder she already got by SMS does not come again by e-mail.
            self.assertEqual(sorted((r["channel"], r["state"]) for r in self.reminders(world, stop_id)
                                    if r["reminder_offset"] == "2h" and r["state"] != "cancelled"),
                             [("sms", "sent")])

            # A number no participant has: counted, stored nowhere, not answered.
            kannel.send_mo(self.kannel, unknown, "nee")
            wait_for(lambda: self.unknown_count(world) == 1, "the text from an unknown number counted")
            status = json.loads(world.ritme("status", "--format", "json", check=False).stdout)
            self.assertEqual(status["texts_from_unknown_numbers"], "1")
            answers_total = self.query(world, "SELECT count(*) AS n FROM answer")[0]["n"]
            self.assertEqual(answers_total, len(cases) + 1)
            # Nothing more was sent for it: to her, nor to the lead.
            deliveries = len(world.rows())
            self.assertEqual(self.received_by(unknown), [])
            self.assertEqual(len(world.rows()), deliveries)
        log = world.serve_log()
        self.assertIn("answer.unknown_sender", log)
        self.assertNotIn(unknown, log)
        for name, phone, language, text, *_ in cases:
            self.assertNotIn(phone, log)
            if len(text) > 3:
                self.assertNotIn(text, log)

    def test_kannel_reports_1_2_8_16_update_deliveries_and_a_failure_goes_by_email(self):
        world = self.world()
        people = {
            "delivered": ("Femke Bericht", "+31611130001"),
            "not delivered": ("Gina Onbereikbaar", "+31611130002"),
            "rejected": ("Hanna Geweigerd", "+31611130003"),
        }
        ids = {key: world.add(name, phone=phone, email=f"p{i}@example.org", language="nl")
               for i, (key, (name, phone)) in enumerate(people.items())}
        with world.serve():
            rows = {}
            for key, (name, phone) in people.items():
                self.wait_reminder_sent(world, ids[key], phone)
                rows[key] = next(r for r in self.reminders(world, ids[key]) if r["state"] == "sent")
            # Kannel's own reports, types 8 then 1, for every message sent.
            for key, row in rows.items():
                wait_for(lambda: {"accepted by the SMS centre", "delivered"} <= set(self.receipt_statuses(world,
                                                                                                         row["id"])),
                         f"Kannel's reports 8 and 1 for the {key} message")
            delivered = world.rows("id = ?", rows["delivered"]["id"])[0]
            self.assertEqual(delivered["state"], "sent")
            shown = world.ritme("participant", "show", ids["delivered"]).stdout
            self.assertIn("delivered", shown)

            # A report without the token proves nothing: 403, nothing stored.
            before = self.receipt_statuses(world, rows["not delivered"]["id"])
            self.assertEqual(self.call_as_kannel(rows["not delivered"]["id"], 2, token="wrong"), 403)
            self.assertEqual(self.receipt_statuses(world, rows["not delivered"]["id"]), before)
            self.assertEqual(world.rows("id = ?", rows["not delivered"]["id"])[0]["state"], "sent")

            # Types 2 and 16, as Kannel calls them: final, the delivery fails, the e-mail fallback goes.
            for key, dlr_type, status in (("not delivered", 2, "not delivered"),
                                          ("rejected", 16, "rejected by the SMS centre")):
                with self.subTest(dlr_type=dlr_type):
                    delivery = rows[key]["id"]
                    self.assertEqual(self.call_as_kannel(delivery, dlr_type), 200)
                    self.assertEqual(self.call_as_kannel(delivery, dlr_type), 200)  # Kannel retrying
                    self.assertEqual(self.receipt_statuses(world, delivery).count(status), 1,
                                     self.receipt_statuses(world, delivery))
                    self.assertEqual(world.rows("id = ?", delivery)[0]["state"], "failed")
                    fallback = wait_for(lambda: [r for r in self.reminders(world, ids[key])
                                                 if r["channel"] == "email" and r["state"] == "sent"],
                                        "the e-mail fallback sent")
                    self.assertEqual(len(fallback), 1)
                    self.assertIn(status, world.ritme("participant", "show", ids[key]).stdout)
            self.assertEqual([r for r in self.reminders(world, ids["delivered"]) if r["channel"] == "email"], [])
        self.assertNotIn(self.token, world.serve_log())


if __name__ == "__main__":
    harness.main()
