#!/usr/bin/python3
"""E-mail end to end: ritme's smtp adapter against a real SMTP server (aiosmtpd on a
loopback port), through `ritme tick` on virtual time and `ritme serve` on real time.
The received messages are read with Python's email package; the texts are compared with
what `ritme simulate` says the renderer makes. Faults: the server down when a batch is
due, a refused mailbox, a temporary refusal, a server slower than the timeout, a wrong
password, STARTTLS missing; and TLS through STARTTLS and SMTPS. Nothing is lost: every
row ends sent, retry or failed, as the server's answer says."""
import email
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import World, common, secret_file, wait_for  # noqa: E402
from test_servers import smtp  # noqa: E402

SENDER = "noreply@gemeente.example"
FROM = f"Programma <{SENDER}>"
LEAD_EMAIL = "fatima@gemeente.example"  # the lead of harness.PROGRAMME
# After the first retry (a minute after harness.DUE, give or take 20%) and well before
# the 2h reminder expires at 10:00, half an hour before the session.
RETRY_TIME = "2027-01-12T08:45"


def channel(url, **settings):
    """The [channel.email] table for the smtp adapter; settings as TOML values."""
    lines = ["[channel.email]", 'adapter = "smtp"', f"url = {json.dumps(url)}", f"from = {json.dumps(FROM)}"]
    for key, value in settings.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


class SmtpTest(unittest.TestCase):
    def setUp(self):
        self.servers = tempfile.mkdtemp(prefix="ritme-smtp-servers-")
        self.started = []
        self.worlds = []
        self.server = self.start_server()

    def tearDown(self):
        for state in self.started:
            smtp.stop(state)
        for world in self.worlds:
            world.close()
        shutil.rmtree(self.servers, ignore_errors=True)

    def start_server(self, **options):
        state = smtp.start(self.servers, **options)
        self.started.append(state)
        return state

    def world(self, url=None, real_clock=False, **settings):
        settings.setdefault("starttls", "off")  # aiosmtpd on loopback speaks plain SMTP unless told otherwise
        world = World(channel(url or self.server["url"], **settings), real_clock=real_clock)
        self.worlds.append(world)
        return world

    def only_row(self, world, participant, kind="reminder"):
        rows = world.rows("participant_id = ? AND kind = ?", participant, kind)
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def assert_nothing_lost(self, world):
        # The lead's overviews wait for their morning.
        for row in world.rows("kind <> 'overview'"):
            self.assertIn(row["state"], ("sent", "retry", "failed"), row)

    def simulated(self, world, participant):
        """What the renderer makes for this participant's reminder, by `ritme simulate`."""
        lines = world.ritme("simulate", harness.PROGRAMME_ID, "--format", "jsonl").stdout.splitlines()
        found = [m for m in map(json.loads, lines) if m["participant"] == participant and m["kind"] == "reminder"]
        self.assertEqual(len(found), 1, lines)
        return found[0]

    def tick(self, world):
        """`ritme tick` on virtual time; returns the real time it ran between, in whole
        seconds as a Date header has it."""
        before = int(time.time())
        world.tick()
        return before, int(time.time())

    def assert_proper_message(self, record, message, row, simulated, to, sent_between):
        """A message as a mail reader wants it, with the text the renderer made."""
        self.assertEqual(record["mail_from"], SENDER)
        self.assertEqual(record["rcpt_tos"], [to])
        self.assertEqual(message["Message-ID"], row["provider_id"])
        self.assertEqual(message["To"].addresses[0].addr_spec, to)
        sender = message["From"].addresses[0]
        self.assertEqual((sender.display_name, sender.addr_spec), ("Programma", SENDER))
        # Date: when it was written, on the real clock (the tick's virtual time is not
        # when the mail went), with the UTC offset that held at that moment.
        date = message["Date"].datetime
        self.assertLessEqual(sent_between[0], date.timestamp())
        self.assertLessEqual(date.timestamp(), sent_between[1])
        self.assertEqual(date.utcoffset(), date.astimezone().utcoffset(), message["Date"])
        self.assertEqual(message["MIME-Version"], "1.0")
        self.assertEqual(message.get_content_type(), "text/plain")
        self.assertEqual(message.get_content_charset(), "utf-8")
        self.assertEqual(message["Content-Transfer-Encoding"], "quoted-printable")
        self.assertEqual(message["Auto-Submitted"], "auto-generated")
        self.assertEqual(message["Content-Language"], simulated["language"].replace("+", ", "))
        text = message.get_content()
        self.assertEqual(text.rstrip("\n"), simulated["text"])
        self.assertEqual(str(message["Subject"]), simulated["text"].split("\n")[0])
        # Quoted-printable and encoded words: the message itself is 7-bit ASCII, lines short.
        with open(os.path.join(self.server["mail_dir"], record["file"]), "rb") as f:
            raw = f.read()
        raw.decode("ascii")
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\r\n")), raw)

    # ---- sending ------------------------------------------------------------------------

    def test_a_reminder_through_tick_is_a_proper_message(self):
        world = self.world()
        amina = world.add("Amina", email="amina@example.org", channels="email")
        sent_between = self.tick(world)
        row = self.only_row(world, amina)
        self.assertEqual((row["state"], row["provider_status"]), ("sent", "queued"))
        [(record, message)] = smtp.received(self.server)
        self.assert_proper_message(record, message, row, self.simulated(world, amina), "amina@example.org",
                                   sent_between)
        self.assertIn("Buurthuis De Kroon", message.get_content())  # where, from the programme

    def test_arabic_and_dutch_readers_get_their_text_and_a_decodable_subject(self):
        world = self.world()
        # Names in Arabic script and with a diaeresis: text outside ASCII in subject and body.
        amal = world.add("أمل", email="amal@example.org", language="ar", channels="email")
        zoe = world.add("Zoë", email="zoe@example.org", language="nl", channels="email")
        sent_between = self.tick(world)
        messages = {record["rcpt_tos"][0]: (record, message) for record, message in smtp.received(self.server)}
        self.assertEqual(set(messages), {"amal@example.org", "zoe@example.org"})
        subjects = []
        for participant, address in ((amal, "amal@example.org"), (zoe, "zoe@example.org")):
            # Without Arabic templates she reads what the renderer falls back to (nl and
            # en); Content-Language names the language(s) of the text either way.
            simulated = self.simulated(world, participant)
            record, message = messages[address]
            self.assert_proper_message(record, message, self.only_row(world, participant), simulated, address,
                                       sent_between)
            with open(os.path.join(self.server["mail_dir"], record["file"]), "rb") as f:
                as_written = email.message_from_binary_file(f)  # compat32: header values as written
            first_line = simulated["text"].split("\n")[0]
            subjects.append(first_line)
            if not first_line.isascii():
                self.assertIn("=?UTF-8?B?", as_written["Subject"])  # RFC 2047, decoded above by the email package
        self.assertFalse(all(s.isascii() for s in subjects), "no subject outside ASCII was tried")

    def test_a_batch_reuses_its_connections(self):
        world = self.world(concurrency=2)
        people = [world.add(f"Deelnemer {i}", email=f"deelnemer{i}@example.org", channels="email") for i in range(20)]
        world.tick()
        rows = {row["participant_id"]: row for row in world.rows("kind = 'reminder'")}
        self.assertEqual(sorted(rows), sorted(people))
        self.assertTrue(all(row["state"] == "sent" for row in rows.values()), rows)
        received = smtp.received(self.server)
        self.assertEqual(len(received), 20)
        connections = {record["peer_port"] for record, _ in received}
        self.assertLessEqual(len(connections), 2, "more connections than the channel's concurrency")
        self.assertEqual(sorted(message["Message-ID"] for _, message in received),
                         sorted(row["provider_id"] for row in rows.values()))
        self.assertEqual(len({row["provider_id"] for row in rows.values()}), 20)

    def test_serve_sends_at_once_and_keeps_its_connection_between_batches(self):
        world = self.world(concurrency=1, real_clock=True)
        amina = world.add("Amina", email="amina@example.org", channels="email")
        sara = world.add("Sara", email="sara@example.org", channels="email")
        with world.serve():
            world.appointment_due_now(amina)
            wait_for(lambda: len(smtp.received(self.server)) == 1, "the first appointment reminder")
            world.appointment_due_now(sara, where="Stadhuis, Stadhuisplein 1, Almere")
            wait_for(lambda: len(smtp.received(self.server)) == 2, "the second appointment reminder")
            wait_for(lambda: all(r["state"] == "sent" for r in world.rows("kind = 'appointment'")) and
                     len(world.rows("kind = 'appointment'")) == 2, "both rows sent")
        received = smtp.received(self.server)
        self.assertEqual([record["rcpt_tos"] for record, _ in received], [["amina@example.org"], ["sara@example.org"]])
        self.assertEqual(len({record["peer_port"] for record, _ in received}), 1, "a new connection per batch")
        for participant, (record, message) in zip((amina, sara), received):
            row = self.only_row(world, participant, "appointment")
            self.assertEqual(message["Message-ID"], row["provider_id"])
            self.assertEqual(message.get_content_charset(), "utf-8")
        self.assertIn("Stadhuisplein", received[1][1].get_content())

    def test_serve_opens_a_new_connection_when_the_server_closed_the_idle_one(self):
        server = self.start_server(idle_timeout=1, name="smtp-impatient")
        world = self.world(url=server["url"], concurrency=1, real_clock=True)
        amina = world.add("Amina", email="amina@example.org", channels="email")
        sara = world.add("Sara", email="sara@example.org", channels="email")
        with world.serve():
            world.appointment_due_now(amina)
            [(first, _)] = wait_for(lambda: smtp.received(server), "the first appointment reminder")
            wait_for(lambda: {"event": "closed", "peer_port": first["peer_port"]} in
                     [{"event": c["event"], "peer_port": c["peer_port"]} for c in smtp.connections(server)],
                     "the server closing the idle connection")
            world.appointment_due_now(sara)
            wait_for(lambda: len(smtp.received(server)) == 2, "the second appointment reminder")
        self.assertEqual(self.only_row(world, sara, "appointment")["state"], "sent")
        self.assertEqual(self.only_row(world, sara, "appointment")["attempts"], 1)
        second = smtp.received(server)[1][0]
        self.assertNotEqual(second["peer_port"], first["peer_port"])

    # ---- faults -------------------------------------------------------------------------

    def test_server_down_when_due_then_back(self):
        port = common.free_port()
        world = self.world(url=f"smtp://127.0.0.1:{port}/ritme.test")
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertTrue(row["reason"].startswith("smtp: "), row["reason"])
        back = self.start_server(port=port, name="smtp-back")
        world.tick(RETRY_TIME)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "sent")
        [(record, message)] = smtp.received(back)
        self.assertEqual(message["Message-ID"], row["provider_id"])
        self.assert_nothing_lost(world)

    def test_a_refused_mailbox_fails_with_the_server_words_and_waits_for_the_leads_overview(self):
        smtp.set_rules(self.server, rcpt=[("^weg@", 550, "5.1.1 mailbox unavailable")])
        world = self.world()
        gone = world.add("Weg", email="weg@example.org", channels="email")
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, gone)
        self.assertEqual(row["state"], "failed")
        self.assertIn("550 5.1.1 mailbox unavailable", row["reason"])
        self.assertNotIn("weg@example.org", row["reason"])
        self.assertEqual(self.only_row(world, amina)["state"], "sent")
        # No alert per failure: the lead reads it, named and in plain words, in her overview.
        self.assertEqual(world.rows("kind = 'alert'"), [])
        to_lead = [message for record, message in smtp.received(self.server) if record["rcpt_tos"] == [LEAD_EMAIL]]
        self.assertEqual(to_lead, [])
        self.assert_nothing_lost(world)

    def test_a_temporary_refusal_is_retried(self):
        smtp.set_rules(self.server, rcpt=[("^amina@", 451, "4.7.1 greylisted, try again later")])
        world = self.world()
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertEqual(row["reason"], "smtp: 451 4.7.1 greylisted, try again later")
        self.assertEqual(smtp.received(self.server), [])
        smtp.set_rules(self.server)
        world.tick(RETRY_TIME)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "sent")
        [(record, message)] = smtp.received(self.server)
        self.assertEqual(message["Message-ID"], row["provider_id"])

    def test_a_server_slower_than_the_timeout_is_retried(self):
        delay = 10
        smtp.set_rules(self.server, delay=delay)
        world = self.world(timeout_seconds=1)
        amina = world.add("Amina", email="amina@example.org", channels="email")
        started = time.monotonic()
        self.assertEqual(world.tick(check=False).returncode, 1)
        # The bound is the behaviour: the tick gave up before the server answered.
        self.assertLess(time.monotonic() - started, delay, "the send waited for the slow server")
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("no answer in time", row["reason"])
        smtp.set_rules(self.server)
        world.tick(RETRY_TIME)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "sent")
        # At least once: whatever arrived carries the one Message-ID of this delivery.
        received = smtp.received(self.server)
        self.assertGreaterEqual(len(received), 1)
        self.assertEqual({message["Message-ID"] for _, message in received}, {row["provider_id"]})

    def test_a_late_answer_does_not_spill_into_the_next_message(self):
        # One connection: Amina's message times out while the server still works on it;
        # Sara's, next, must not read the late "250" as the answer to her own MAIL.
        smtp.set_rules(self.server, delay=3, slow="^amina@")
        world = self.world(timeout_seconds=1, concurrency=1)
        amina = world.add("Amina", email="amina@example.org", channels="email")
        sara = world.add("Sara", email="sara@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        self.assertEqual(self.only_row(world, amina)["state"], "retry")
        row = self.only_row(world, sara)
        self.assertEqual(row["state"], "sent")
        to_sara = wait_for(lambda: [m for r, m in smtp.received(self.server) if r["rcpt_tos"] == ["sara@example.org"]],
                           "Sara's message at the server")
        self.assertEqual([m["Message-ID"] for m in to_sara], [row["provider_id"]])
        self.assert_nothing_lost(world)

    def test_a_wrong_password_is_retried_as_the_channel_misconfigured(self):
        guarded = self.start_server(user="ritme", password="juist", name="smtp-auth")
        secret = secret_file(self.servers, "smtp.secret", "fout")
        world = self.world(url=guarded["url"], username="ritme", password_file=secret)
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("refused the login", row["reason"])
        self.assertIn("535", row["reason"])
        self.assertNotIn("fout", row["reason"])
        self.assertEqual(smtp.received(guarded), [])
        secret_file(self.servers, "smtp.secret", "juist")
        world.tick(RETRY_TIME)
        self.assertEqual(self.only_row(world, amina)["state"], "sent")
        [(record, _)] = smtp.received(guarded)
        self.assertEqual(record["login"], "ritme")

    def test_no_login_where_the_server_requires_one_is_retried_as_misconfigured(self):
        guarded = self.start_server(user="ritme", password="juist", name="smtp-auth")
        world = self.world(url=guarded["url"])
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("530", row["reason"])
        self.assertEqual(smtp.received(guarded), [])

    def test_starttls_required_but_not_offered_sends_nothing(self):
        world = self.world(starttls="required")
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("STARTTLS", row["reason"])
        self.assertEqual(smtp.received(self.server), [])

    # ---- TLS ----------------------------------------------------------------------------

    def test_starttls_and_smtps_with_the_server_certificate(self):
        for tls in ("starttls", "smtps"):
            with self.subTest(tls=tls):
                server = self.start_server(tls=tls, name="smtp-" + tls)
                world = self.world(url=server["url"], starttls="required", ca_file=server["ca_file"])
                amina = world.add("Amina", email="amina@example.org", channels="email")
                world.tick()
                row = self.only_row(world, amina)
                self.assertEqual(row["state"], "sent")
                [(record, message)] = smtp.received(server)
                self.assertTrue(record["tls"])
                self.assertEqual(message["Message-ID"], row["provider_id"])

    def test_a_certificate_nobody_vouches_for_is_refused(self):
        server = self.start_server(tls="smtps", name="smtp-smtps")
        world = self.world(url=server["url"], starttls="required")
        amina = world.add("Amina", email="amina@example.org", channels="email")
        self.assertEqual(world.tick(check=False).returncode, 1)
        row = self.only_row(world, amina)
        self.assertEqual(row["state"], "retry")
        self.assertIn("ca_file", row["reason"])
        self.assertEqual(smtp.received(server), [])


if __name__ == "__main__":
    harness.main()
