#!/usr/bin/python3
"""ritme's http adapter with each shipped preset (config/providers) against the
providers' stand-in (scripts/test_servers/provider.py), which checks every request
against the shape its provider documents and refuses a wrong one. Through `ritme tick`
on virtual time for each preset and for the faults (400, 401, 429 with Retry-After, 500,
an answer later than timeout_seconds, a malformed 200), and once through `ritme serve`.
Nothing may be lost: a message the provider took is never sent again, and every
temporary failure is sent on a later tick."""
import calendar
import os
import shutil
import sys
import tempfile
import unittest
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import DUE, LATER, World, secret_file, wait_for  # noqa: E402
from test_servers import common, provider  # noqa: E402

AMINA = "+31612345678"
OLENA = "+31687654321"

# How each provider wants the number (messaging.md).
RECIPIENT_FORM = {
    "cm": lambda e164: "00" + e164[1:],
    "messagebird": lambda e164: e164[1:],
    "twilio": lambda e164: e164,
    "spryng": lambda e164: e164[1:],
}


def epoch(local_time):
    """`ritme tick --now` reads local Amsterdam time; the delivery table holds UTC seconds."""
    moment = datetime.strptime(local_time, "%Y-%m-%dT%H:%M").replace(tzinfo=harness.ZONE)
    return calendar.timegm(moment.utctimetuple())


def retry_time(row):
    """The first whole minute at or after a row's retry, as `ritme tick --now` takes it: a
    tick much later would find the message missed (late_after_seconds) instead of due."""
    moment = datetime.fromtimestamp(row["send_at"] + 59, harness.ZONE)
    return moment.strftime("%Y-%m-%dT%H:%M")


class HttpProviders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = tempfile.mkdtemp(prefix="ritme-provider-")
        cls.state = provider.start(cls.servers)
        cls.secrets = {name: secret_file(cls.servers, name + ".token", credentials["token"])
                       for name, credentials in cls.state["credentials"].items()}

    @classmethod
    def tearDownClass(cls):
        common.stop(cls.servers, provider.NAME)
        if not os.environ.get("RITME_KEEP"):
            shutil.rmtree(cls.servers, ignore_errors=True)

    def setUp(self):
        provider.control(self.state, reset=True)
        self.accepted_before = len(provider.accepted(self.state))
        self.worlds = []

    def tearDown(self):
        for world in self.worlds:
            world.close()

    def world(self, preset, timeout=2, extra="", channel_extra="", real_clock=False):
        credentials = self.state["credentials"][preset]
        account = f'account = "{credentials["account"]}"' if "account" in credentials else ""
        channels = f"""
[channel.sms]
adapter = "http"
preset = "{preset}"
url = "{self.state['url']}{self.state['paths'][preset]}"
from = "Gemeente"
{account}
token_file = "{self.secrets[preset]}"
timeout_seconds = {timeout}
{channel_extra}
"""
        world = World(channels, dispatch="retry_initial_seconds = 60\n" + extra, real_clock=real_clock)
        self.worlds.append(world)
        return world

    def received(self, e164):
        """What the stand-in accepted for this number in this test, oldest first."""
        return [r for r in provider.accepted(self.state)[self.accepted_before:] if r["e164"] == e164]

    def reminder(self, world, participant):
        rows = world.rows("kind = 'reminder' AND participant_id = ?", participant)
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def check_delivered(self, preset, world, participant, e164):
        row = self.reminder(world, participant)
        self.assertEqual(row["state"], "sent", row["reason"])
        received = self.received(e164)
        self.assertEqual(len(received), 1, "one request accepted for the number, never two")
        message = received[0]
        self.assertEqual(message["provider"], preset)
        self.assertEqual(message["to"], RECIPIENT_FORM[preset](e164))
        self.assertEqual(message["from"], "Gemeente")
        self.assertIn("10:30", message["text"])
        self.assertIn("Buurthuis De Kroon", message["text"])
        self.assertEqual(row["provider_id"], message["id"])
        self.assertEqual(row["provider_status"], "accepted")
        if message["reference"] is not None:
            self.assertEqual(message["reference"], str(row["id"]))
        return message

    # -- each preset, through `ritme tick` ----------------------------------------------

    def tick_each(self, preset):
        world = self.world(preset)
        amina = world.add("Amina", phone=AMINA, language="nl")
        olena = world.add("Olena", phone=OLENA, language="uk")
        world.tick()
        self.check_delivered(preset, world, amina, AMINA)
        ukrainian = self.check_delivered(preset, world, olena, OLENA)
        # Cyrillic needs UCS-2: the preset says so where the provider wants to be told.
        if ukrainian["unicode"] is not None:
            self.assertTrue(ukrainian["unicode"])
            self.assertFalse(self.received(AMINA)[0]["unicode"])

    def test_cm(self):
        self.tick_each("cm")

    def test_messagebird(self):
        self.tick_each("messagebird")

    def test_twilio(self):
        self.tick_each("twilio")

    def test_spryng(self):
        self.tick_each("spryng")

    # -- faults ---------------------------------------------------------------------------

    def test_400_fails_with_the_providers_words(self):
        world = self.world("twilio")
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, "400")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "failed")
        self.assertIn("The 'To' number", row["reason"])
        self.assertIn("is not a valid phone number. (code 21211)", row["reason"])
        self.assertNotIn(AMINA[1:], row["reason"], "the number in the provider's words is masked")
        self.assertIn(AMINA[-4:], row["reason"])
        world.tick(LATER, check=False)
        self.assertEqual(self.reminder(world, amina)["state"], "failed")
        self.assertEqual(self.received(AMINA), [], "a permanent failure is not sent again")

    def test_401_retries_and_says_the_channel_is_misconfigured(self):
        world = self.world("spryng")
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, "401")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("spryng: HTTP 401 Unauthenticated.", row["reason"])
        self.assertIn("credentials were refused", row["reason"])
        self.assertFalse(self.received(AMINA))
        world.tick(retry_time(row))  # the provider takes the key again: the message goes
        self.check_delivered("spryng", world, amina, AMINA)

    def test_wrong_credentials_are_refused_by_the_stand_in(self):
        wrong = secret_file(self.servers, "wrong.token", "not-the-key")
        world = self.world("messagebird")
        with open(world.config) as f:
            config = f.read()
        with open(world.config, "w") as f:
            f.write(config.replace(self.secrets["messagebird"], wrong))
        amina = world.add("Amina", phone=AMINA)
        world.tick(check=False)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("messagebird: HTTP 401 Request not allowed (incorrect access_key) (code 2)", row["reason"])

    def test_429_waits_at_least_retry_after(self):
        world = self.world("messagebird")
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, {"status": 429, "retry_after": 600})
        world.tick(check=False)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertGreaterEqual(row["send_at"] - epoch(DUE), 600)
        self.assertIn("HTTP 429", row["reason"])
        world.tick(retry_time(row))
        self.check_delivered("messagebird", world, amina, AMINA)

    def test_500_retries_then_sends(self):
        world = self.world("cm")
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, "500")
        world.tick(check=False)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("cm: HTTP 500 Internal Server Error", row["reason"])
        self.assertFalse(self.received(AMINA))
        world.tick(retry_time(row))
        self.check_delivered("cm", world, amina, AMINA)

    def test_an_answer_later_than_the_timeout_is_a_retry(self):
        world = self.world("twilio", timeout=1)
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, {"status": "hang", "seconds": 5})
        world.tick(check=False)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("twilio: no answer in time", row["reason"])
        world.tick(retry_time(row))
        self.check_delivered("twilio", world, amina, AMINA)

    def test_a_malformed_200_is_sent_and_never_sent_again(self):
        world = self.world("spryng")
        amina = world.add("Amina", phone=AMINA)
        provider.control(self.state, "malformed")
        world.tick()
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "sent")
        self.assertEqual(row["provider_status"], "accepted; answer unreadable")
        self.assertEqual(row["provider_id"], "")
        world.tick(LATER)
        self.assertEqual(len(self.received(AMINA)), 1)

    def test_the_provider_down_when_the_batch_is_due(self):
        world = self.world("spryng")
        with open(world.config) as f:
            config = f.read()
        closed = common.free_port()
        with open(world.config, "w") as f:
            f.write(config.replace(self.state["url"], f"http://127.0.0.1:{closed}"))
        amina = world.add("Amina", phone=AMINA)
        world.tick(check=False)
        row = self.reminder(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("spryng: no answer", row["reason"])
        with open(world.config, "w") as f:
            f.write(config)
        world.tick(retry_time(row))
        self.check_delivered("spryng", world, amina, AMINA)

    # -- the daemon ----------------------------------------------------------------------

    def test_serve_sends_with_a_report_url_carrying_the_delivery(self):
        world = self.world("messagebird", channel_extra='report_url = "https://ritme.example/dlr?delivery={delivery}"',
                           real_clock=True)
        amina = world.add("Amina", phone=AMINA)
        world.appointment_due_now(amina)
        with world.serve():
            rows = wait_for(lambda: [r for r in world.rows("kind = 'appointment'") if r["state"] == "sent"],
                            "the appointment reminder sent through ritme serve")
        received = self.received(AMINA)
        self.assertEqual(len(received), 1)
        self.assertEqual(rows[0]["provider_id"], received[0]["id"])
        self.assertEqual(received[0]["report_url"], f"https://ritme.example/dlr?delivery={rows[0]['id']}")
        self.assertEqual(received[0]["reference"], str(rows[0]["id"]))
        self.assertIn("Stationsplein 1", received[0]["text"])


if __name__ == "__main__":
    harness.main()
