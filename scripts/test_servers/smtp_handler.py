"""The SMTP server behind scripts/test_servers/smtp.py, run as its own process by
/usr/bin/python3 (Debian's aiosmtpd): stores every message it accepts as one file under
DIRECTORY/mail, appends a line per message to DIRECTORY/received.jsonl (the file, the
client's port, so a test can count connections, the envelope, TLS and login), and
answers as DIRECTORY/rules.json says at the moment of each command:

    {"rcpt": [{"pattern": "^weg@", "code": 550, "text": "5.1.1 mailbox unavailable"}],
     "data": {"code": 451, "text": "4.3.0 try again"},   # the answer to every message
     "delay": 3,                                          # seconds before answering DATA
     "slow": "^amina@"}                                   # only for these recipients; absent: all

Each connection's opening and closing is appended to DIRECTORY/connections.jsonl.

usage: smtp_handler.py DIRECTORY PORT [--user U --password P] [--tls starttls|smtps --cert C --key K]
                       [--idle-timeout SECONDS]
"""
import argparse
import asyncio
import json
import os
import re
import signal
import ssl
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.mail_dir = os.path.join(directory, "mail")
        os.makedirs(self.mail_dir, exist_ok=True)
        self.received = os.path.join(directory, "received.jsonl")
        self.rules_path = os.path.join(directory, "rules.json")
        self.count = len(os.listdir(self.mail_dir))

    def rules(self):
        try:
            with open(self.rules_path) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for rule in self.rules().get("rcpt", []):
            if re.search(rule["pattern"], address):
                return f"{rule['code']} {rule['text']}"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        rules = self.rules()
        slow = rules.get("slow")
        if rules.get("delay") and (not slow or any(re.search(slow, r) for r in envelope.rcpt_tos)):
            await asyncio.sleep(rules["delay"])
        if rules.get("data"):
            return f"{rules['data']['code']} {rules['data']['text']}"
        self.count += 1
        name = f"{self.count:06d}.eml"
        temporary = os.path.join(self.mail_dir, "." + name + ".tmp")
        with open(temporary, "wb") as f:
            f.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.mail_dir, name))
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        record = {"file": name, "peer_port": session.peer[1], "mail_from": envelope.mail_from,
                  "rcpt_tos": envelope.rcpt_tos, "tls": server.transport.get_extra_info("ssl_object") is not None,
                  "login": login, "at": time.time()}
        with open(self.received, "a") as f:
            f.write(json.dumps(record) + "\n")
        return f"250 2.0.0 OK: queued as {name}"


class RecordingSMTP(SMTP):
    """aiosmtpd's SMTP, noting when a client connects and when the connection ends."""

    def __init__(self, handler, connections, **options):
        super().__init__(handler, **options)
        self.connections = connections
        self.recorded_peer = None

    def record(self, event, peer):
        with open(self.connections, "a") as f:
            f.write(json.dumps({"event": event, "peer_port": peer[1], "at": time.time()}) + "\n")

    def connection_made(self, transport):
        super().connection_made(transport)
        if self.recorded_peer is None:  # not again after STARTTLS
            self.recorded_peer = self.session.peer
            self.record("opened", self.recorded_peer)

    def connection_lost(self, error):
        if self.recorded_peer is not None:
            self.record("closed", self.recorded_peer)
        super().connection_lost(error)


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=good, handled=False, auth_data=auth_data if good else None)
    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("port", type=int)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--tls", choices=("starttls", "smtps"))
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--idle-timeout", type=float, default=300)
    args = parser.parse_args()

    handler = Handler(args.directory)
    connections = os.path.join(args.directory, "connections.jsonl")
    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    options = {"hostname": "smtp.test", "ident": "ritme test server", "timeout": args.idle_timeout}
    if args.user:
        options.update(authenticator=authenticator_for(args.user, args.password), auth_required=True,
                       auth_require_tls=False)
    if args.tls == "starttls":
        options["tls_context"] = context

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: RecordingSMTP(handler, connections, loop=loop, **options), "127.0.0.1", args.port,
        ssl=context if args.tls == "smtps" else None, backlog=256))
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, loop.stop)
    # Ready: the port is bound; the starter waits for this file.
    with open(os.path.join(args.directory, "ready.tmp"), "w") as f:
        json.dump({"pid": os.getpid(), "port": args.port}, f)
    os.rename(os.path.join(args.directory, "ready.tmp"), os.path.join(args.directory, "ready.json"))
    try:
        loop.run_forever()
    finally:
        server.close()
        os.remove(os.path.join(args.directory, "ready.json"))


if __name__ == "__main__":
    main()
