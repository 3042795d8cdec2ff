#!/usr/bin/python3
"""The command adapter end to end: `ritme tick` and `ritme serve` hand each message to a
shell script as JSON on its standard input, and the script's exit status decides: 0 sent
(its answer names the provider's id), 75 retry, anything else failed."""
import json
import os
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# Each script appends the message it read to messages.jsonl in its working directory
# (the config file's) with the channel it ran for.
ACCEPTING = r"""#!/bin/sh
input=$(cat)
printf '{"seen_by": "%s", "message": %s}\n' "$RITME_CHANNEL" "$input" >> messages.jsonl
reference=$(printf '%s' "$input" | sed -n 's/.*"reference":"\([0-9]*\)".*/\1/p')
echo "{\"id\": \"prov-$reference\", \"status\": \"queued\"}"
"""

BUSY = r"""#!/bin/sh
input=$(cat)
printf '{"seen_by": "%s", "message": %s}\n' "$RITME_CHANNEL" "$input" >> messages.jsonl
echo "connecting to the provider" >&2
echo "provider busy, try again later" >&2
exit 75
"""

REFUSING = r"""#!/bin/sh
input=$(cat)
printf '{"seen_by": "%s", "message": %s}\n' "$RITME_CHANNEL" "$input" >> messages.jsonl
echo "provider refused the number" >&2
exit 1
"""

# Writes `finished` only if it is let run to its end.
HANGING = r"""#!/bin/sh
cat > /dev/null
sleep 60
echo finished > finished
"""

CHANNELS = """
[channel.sms]
adapter = "command"
command = "send-message"
timeout_seconds = {timeout}

[channel.email]
adapter = "command"
command = "send-message"
"""

# After the first retry (a minute after harness.DUE, give or take 20%) and before the 2h
# reminder expires at 10:00, half an hour before the session.
RETRY_TIME = "2027-01-12T08:45"

AMINA = "+31612345678"
YUSUF = "+31687654321"
LEAD = "+31612340000"


class CommandGateway(unittest.TestCase):
    def make_world(self, script, timeout=10, real_clock=False):
        world = harness.World(CHANNELS.format(timeout=timeout), real_clock=real_clock)
        self.addCleanup(world.close)
        self.install(world, script)
        return world

    @staticmethod
    def install(world, script):
        """Writes the script through a rename, as an operator's deploy would."""
        path = world.path("send-message")
        with open(path + ".new", "w") as f:
            f.write(script)
        os.chmod(path + ".new", 0o755)
        os.replace(path + ".new", path)

    @staticmethod
    def messages(world):
        path = world.path("messages.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def test_tick_sends_each_reminder_through_the_command(self):
        world = self.make_world(ACCEPTING)
        amina = world.add("Amina", phone=AMINA, language="nl")
        yusuf = world.add("Yusuf", phone=YUSUF, language="en")
        sara = world.add("Sara", email="sara@example.nl", language="en")

        world.tick()

        seen = self.messages(world)
        self.assertEqual(len(seen), 3)
        rows = {row["participant_id"]: row for row in world.rows("kind = 'reminder'")}
        self.assertEqual(sorted(rows), sorted([amina, yusuf, sara]))
        by_reference = {entry["message"]["reference"]: entry for entry in seen}
        for participant, row in rows.items():
            self.assertEqual(row["state"], "sent", row)
            self.assertEqual(row["provider_id"], f"prov-{row['id']}")
            self.assertEqual(row["provider_status"], "queued")
            entry = by_reference[str(row["id"])]
            message = entry["message"]
            self.assertEqual(message["delivery_id"], row["id"])
            self.assertEqual(message["channel"], row["channel"])
            self.assertEqual(entry["seen_by"], row["channel"])
            self.assertEqual(message["kind"], "reminder")
            self.assertIn("10:30", message["text"])

        sms_to_amina = by_reference[str(rows[amina]["id"])]["message"]
        self.assertEqual(sms_to_amina["medium"], "sms")
        self.assertEqual(sms_to_amina["to"], AMINA)
        self.assertEqual(sms_to_amina["language"], "nl")
        self.assertEqual(sms_to_amina["encoding"], "gsm7")
        self.assertGreaterEqual(sms_to_amina["segments"], 1)

        sms_to_yusuf = by_reference[str(rows[yusuf]["id"])]["message"]
        self.assertEqual(sms_to_yusuf["to"], YUSUF)
        self.assertEqual(sms_to_yusuf["language"], "en")

        email_to_sara = by_reference[str(rows[sara]["id"])]["message"]
        self.assertEqual(email_to_sara["medium"], "email")
        self.assertEqual(email_to_sara["to"], "sara@example.nl")
        self.assertTrue(email_to_sara["subject"])
        self.assertNotIn("encoding", email_to_sara)

    def test_exit_75_is_retried_and_sent_once_the_command_works(self):
        world = self.make_world(BUSY)
        world.add("Amina", phone=AMINA)

        first = world.tick(check=False)
        self.assertEqual(first.returncode, 1, first.stdout + first.stderr)
        [row] = world.rows("kind = 'reminder'")
        self.assertEqual(row["state"], "retry")
        self.assertEqual(row["attempts"], 1)
        self.assertEqual(row["reason"], "command: exit 75: provider busy, try again later")
        self.assertNotIn(AMINA, row["reason"])

        self.install(world, ACCEPTING)
        world.tick(RETRY_TIME)
        [row] = world.rows("kind = 'reminder'")
        self.assertEqual(row["state"], "sent")
        self.assertEqual(row["provider_id"], f"prov-{row['id']}")
        # Both attempts carried the same reference, so a provider can tell a resend.
        references = [entry["message"]["reference"] for entry in self.messages(world)]
        self.assertEqual(references, [str(row["id"])] * 2)

    def test_another_exit_status_fails_with_the_commands_words_and_waits_for_the_leads_overview(self):
        world = self.make_world(REFUSING)
        amina = world.add("Amina", phone=AMINA)

        result = world.tick(check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        [row] = world.rows("kind = 'reminder'")
        self.assertEqual(row["state"], "failed")
        self.assertEqual(row["reason"], "command: exit 1: provider refused the number")

        self.assertEqual(row["participant_id"], amina)
        # No technical message to the lead per failure: it waits for her daily overview.
        self.assertEqual(world.rows("kind = 'alert'"), [])
        self.assertEqual([e for e in self.messages(world) if e["message"]["kind"] == "alert"], [])

    def test_a_command_past_its_timeout_is_stopped_and_retried(self):
        world = self.make_world(HANGING, timeout=1)
        world.add("Amina", phone=AMINA)

        result = world.tick(check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        [row] = world.rows("kind = 'reminder'")
        self.assertEqual(row["state"], "retry")
        self.assertEqual(row["reason"], "command: no answer in 1 s")
        # Stopped, not waited for: the script never reached its last line.
        self.assertFalse(os.path.exists(world.path("finished")))

    def test_serve_sends_an_appointment_reminder_through_the_command(self):
        world = self.make_world(ACCEPTING, real_clock=True)
        amina = world.add("Amina", phone=AMINA)
        with world.serve():
            world.appointment_due_now(amina)
            harness.wait_for(lambda: [r for r in world.rows("kind = 'appointment'") if r["state"] == "sent"],
                             "the appointment reminder to be sent")
        [row] = world.rows("kind = 'appointment'")
        self.assertEqual(row["provider_id"], f"prov-{row['id']}")
        [entry] = [e for e in self.messages(world) if e["message"]["kind"] == "appointment"]
        self.assertEqual(entry["message"]["to"], AMINA)
        self.assertEqual(entry["message"]["delivery_id"], row["id"])

    def test_serve_keeps_its_channels_when_a_reload_would_leave_none(self):
        world = self.make_world(ACCEPTING, real_clock=True)
        amina = world.add("Amina", phone=AMINA)
        with open(world.config) as f:
            text = f.read()
        with world.serve() as process:
            harness.wait_for(lambda: " ready " in world.serve_log(), "the daemon to be ready")
            with open(world.config, "w") as f:
                f.write(text[:text.index("[channel.")])  # every channel gone
            process.send_signal(signal.SIGHUP)
            harness.wait_for(lambda: "has no channels" in world.serve_log(), "the reload to be refused")
            self.assertIsNone(process.poll())
            # It sends on the channels it had.
            world.appointment_due_now(amina)
            harness.wait_for(lambda: [r for r in world.rows("kind = 'appointment'") if r["state"] == "sent"],
                             "the appointment reminder to be sent")
        self.assertNotIn("reloaded", world.serve_log())

    def test_config_check_refuses_a_command_that_is_not_there(self):
        world = self.make_world(ACCEPTING)
        broken = world.path("broken.toml")
        with open(world.config) as f:
            text = f.read()
        with open(broken, "w") as f:
            f.write(text.replace('command = "send-message"', 'command = "no-such-script"', 1))
        result = subprocess.run([harness.RITME, "-c", broken, "config", "check"], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("no-such-script", result.stderr)
        self.assertIn("does not exist", result.stderr)

        dump = world.ritme("config", "dump").stdout
        for setting in ("command", "args", "timeout_seconds"):
            self.assertIn(setting, dump)


if __name__ == "__main__":
    harness.main()
