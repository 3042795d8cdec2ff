#!/usr/bin/python3
"""Each shipped preset's delivery reports and participants' texts through a real
`ritme serve`: the message goes out through the providers' stand-in
(scripts/test_servers/provider.py), then the test calls ritme's /receipts/sms and
/inbound/sms as the provider would, proven as the provider proves it (Twilio's
X-Twilio-Signature and MessageBird's MessageBird-Signature-JWT computed here with
hmac/hashlib/base64; CM.com's and Spryng's ?token=). For each: a valid report and text
are stored; a forged one is 403, stores nothing and leaves no body in the log; the same
report twice is stored once; a database held by another writer (BEGIN IMMEDIATE) is 503
with Retry-After, and the same call after its release is stored: nothing is lost.

ritme listens on a port chosen here: Twilio and MessageBird sign the URL they call,
which ritme knows as http://LISTEN (no public_url)."""
import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import World, secret_file, wait_for  # noqa: E402
from test_servers import common, provider  # noqa: E402

PHONE = "+31612345678"

# How each provider writes her number when she texts (the sender field of its inbound call).
SENDER_FORM = {
    "twilio": lambda e164: e164,
    "messagebird": lambda e164: e164[1:],
    "cm": lambda e164: "00" + e164[1:],
    "spryng": lambda e164: e164[1:],
}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def twilio_signature(auth_token, url, fields):
    data = url + "".join(name + value for name, value in sorted(fields.items()))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def messagebird_jwt(signing_key, url, body):
    now = int(time.time())
    claims = {"iss": "MessageBird", "nbf": now, "exp": now + 300, "jti": secrets.token_hex(8),
              "url_hash": hashlib.sha256(url.encode()).hexdigest()}
    if body:
        claims["payload_hash"] = hashlib.sha256(body).hexdigest()
    signing_input = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + \
        b64url(json.dumps(claims).encode())
    signature = hmac.new(signing_key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


class ProviderWebhooks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = tempfile.mkdtemp(prefix="ritme-webhooks-")
        cls.state = provider.start(cls.servers)
        cls.secrets = {name: secret_file(cls.servers, name + ".token", credentials["token"])
                       for name, credentials in cls.state["credentials"].items()}
        cls.callback_token = secrets.token_hex(16)
        cls.callback_token_file = secret_file(cls.servers, "callback.token", cls.callback_token)

    @classmethod
    def tearDownClass(cls):
        common.stop(cls.servers, provider.NAME)
        if not os.environ.get("RITME_KEEP"):
            shutil.rmtree(cls.servers, ignore_errors=True)

    def setUp(self):
        provider.control(self.state, reset=True)

    def world(self, preset):
        credentials = self.state["credentials"][preset]
        account = f'account = "{credentials["account"]}"' if "account" in credentials else ""
        callback = "" if preset == "twilio" else f'callback_token_file = "{self.callback_token_file}"'
        self.port = common.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        channels = f"""
[channel.sms]
adapter = "http"
preset = "{preset}"
url = "{self.state['url']}{self.state['paths'][preset]}"
from = "Gemeente"
{account}
token_file = "{self.secrets[preset]}"
{callback}
timeout_seconds = 5
"""
        world = World(channels, real_clock=True, listen=f"127.0.0.1:{self.port}")
        self.addCleanup(world.close)
        return world

    # Calls as each provider makes them.

    def call(self, preset, kind, fields, forged=False):
        """Calls /KIND/sms as `preset` does, with its proof (a wrong one when forged).
        Returns (status, headers, body)."""
        path = f"/{kind}/sms"
        headers = {}
        body = None
        query = ""
        if preset == "twilio":
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            token = self.state["credentials"]["twilio"]["token"]
            headers["X-Twilio-Signature"] = twilio_signature("not-" + token if forged else token,
                                                             self.base + path, fields)
        elif preset == "messagebird":
            if kind == "receipts":  # MessageBird reports by GET with the fields in the query
                query = "?" + urllib.parse.urlencode(fields)
            else:
                body = urllib.parse.urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            key = "forged" + self.callback_token if forged else self.callback_token
            headers["MessageBird-Signature-JWT"] = messagebird_jwt(key, self.base + path + query, body)
        else:  # cm, spryng: the token in the URL set in the provider's portal, the fields in the query
            token = secrets.token_hex(16) if forged else self.callback_token
            query = "?" + urllib.parse.urlencode({**fields, "token": token})
        request = urllib.request.Request(self.base + path + query, data=body, headers=headers,
                                         method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    @staticmethod
    def receipt_fields(preset, row, status):
        """A report of `status` (the provider's word) for the message in `row`."""
        return {
            "twilio": {"MessageSid": row["provider_id"], "MessageStatus": status, "AccountSid": "AC" + "5e" * 16},
            "messagebird": {"id": row["provider_id"], "reference": str(row["id"]), "status": status,
                            "recipient": PHONE[1:]},
            "cm": {"reference": row["provider_id"], "statuscode": status, "errorcode": "0"},
            "spryng": {"ID": row["provider_id"], "STATUS": status, "REASONCODE": "0"},
        }[preset]

    @staticmethod
    def inbound_fields(preset, sender, text):
        message_id = secrets.token_hex(8)
        return {
            "twilio": {"From": sender, "To": "+3197010200300", "Body": text, "MessageSid": "SM" + message_id * 2},
            "messagebird": {"originator": sender, "recipient": "3197010200300", "body": text, "id": message_id},
            "cm": {"from": sender, "to": "0031970102003", "message": text, "id": message_id},
            "spryng": {"ORIGINATOR": sender, "RECIPIENT": "3197010200300", "BODY": text, "ID": message_id},
        }[preset]

    # Each provider's words for delivered and a later report (Spryng has only delivered
    # and not delivered, final: it comes after her answer, which it would leave unmatched).
    STATUSES = {
        "twilio": ("delivered", "sent"),
        "messagebird": ("delivered", "sent"),
        "cm": ("2", "0"),
        "spryng": ("10", "20"),
    }
    # What ritme stores for them.
    STORED = {
        "twilio": ("delivered", "accepted by the SMS centre"),
        "messagebird": ("delivered", "accepted by the SMS centre"),
        "cm": ("delivered", "accepted by the SMS centre"),
        "spryng": ("delivered", "not delivered"),
    }

    def receipts(self, world, delivery_id):
        with contextlib.closing(sqlite3.connect(world.database)) as db:
            return [r[0] for r in db.execute("SELECT status FROM delivery_receipt WHERE delivery_id = ? ORDER BY id",
                                             (delivery_id,))]

    def answers(self, world):
        with contextlib.closing(sqlite3.connect(world.database)) as db:
            return [r for r in db.execute("SELECT participant_id, words, read_as FROM answer ORDER BY id")]

    def check_preset(self, preset):
        world = self.world(preset)
        amina = world.add("Amina Webhook", phone=PHONE, language="nl")
        world.appointment_due_now(amina)
        delivered, second = self.STATUSES[preset]
        stored_delivered, stored_second = self.STORED[preset]
        marker = "geheim-" + secrets.token_hex(6)
        with world.serve():
            row = wait_for(lambda: [r for r in world.rows("kind = 'appointment'")
                                    if r["state"] == "sent" and r["provider_id"]], "the appointment reminder sent")[0]

            # A forged report and text: 403, nothing stored, no body in the log.
            forged = self.receipt_fields(preset, row, delivered)
            forged["ErrorCode" if preset == "twilio" else "errorcode"] = marker
            status, _, _ = self.call(preset, "receipts", forged, forged=True)
            self.assertEqual(status, 403)
            status, _, _ = self.call(preset, "inbound", self.inbound_fields(preset, SENDER_FORM[preset](PHONE),
                                                                            marker), forged=True)
            self.assertEqual(status, 403)
            self.assertEqual(self.receipts(world, row["id"]), [])
            self.assertEqual(self.answers(world), [])

            # A valid report, then the same again (the provider retrying): stored once.
            fields = self.receipt_fields(preset, row, delivered)
            for _ in range(2):
                status, _, body = self.call(preset, "receipts", fields)
                self.assertEqual(status, 200, body)
            self.assertEqual(self.receipts(world, row["id"]), [stored_delivered])

            # Her text, proven: stored, read in her language, matched to the appointment.
            status, _, body = self.call(preset, "inbound", self.inbound_fields(preset, SENDER_FORM[preset](PHONE),
                                                                               "Nee"))
            self.assertEqual(status, 200, body)
            if preset == "twilio":
                self.assertIn("<Response></Response>", body)
            self.assertEqual(self.answers(world), [(amina, "Nee", "cannot_come")])
            wait_for(lambda: [r for r in world.rows("kind = 'confirmation' AND participant_id = ?", amina)
                              if r["state"] == "sent"], "her confirmation sent")

            # A busy database: 503 with Retry-After, and the same call after its release is stored.
            fields = self.receipt_fields(preset, row, second)
            holder = sqlite3.connect(world.database, timeout=10, isolation_level=None)
            try:
                holder.execute("BEGIN IMMEDIATE")
                status, headers, _ = self.call(preset, "receipts", fields)
                self.assertEqual(status, 503)
                self.assertIn("Retry-After", headers)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            self.assertEqual(self.receipts(world, row["id"]), [stored_delivered])
            status, _, body = self.call(preset, "receipts", fields)
            self.assertEqual(status, 200, body)
            self.assertEqual(self.receipts(world, row["id"]), [stored_delivered, stored_second])

            # A text while the database is busy: 503, and its retry is stored.
            text = self.inbound_fields(preset, SENDER_FORM[preset](PHONE), "Ik ben wat later")
            holder = sqlite3.connect(world.database, timeout=10, isolation_level=None)
            try:
                holder.execute("BEGIN IMMEDIATE")
                status, headers, _ = self.call(preset, "inbound", text)
                self.assertEqual(status, 503)
                self.assertIn("Retry-After", headers)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            self.assertEqual(len(self.answers(world)), 1)
            status, _, body = self.call(preset, "inbound", text)
            self.assertEqual(status, 200, body)
            self.assertEqual(self.answers(world)[-1], (amina, "Ik ben wat later", "free_text"))
        log = world.serve_log()
        self.assertIn("http.refused status=403", log)
        self.assertNotIn(marker, log)
        self.assertNotIn("Ik ben wat later", log)
        self.assertNotIn(self.callback_token, log)

    def test_twilio(self):
        self.check_preset("twilio")

    def test_messagebird(self):
        self.check_preset("messagebird")

    def test_cm(self):
        self.check_preset("cm")

    def test_spryng(self):
        self.check_preset("spryng")


if __name__ == "__main__":
    harness.main()
