"""A real SMTP server for the tests: aiosmtpd (Debian's python3-aiosmtpd) on a free
loopback port, run by /usr/bin/python3 from smtp_handler.py. It stores every message
it accepts as a file, records per message the client's port (so a test can count
connections), and can be told to refuse recipients, answer 4xx or 5xx, answer
slowly, require a login, or speak TLS (STARTTLS or SMTPS with a certificate made
here for 127.0.0.1).

    state = start(directory)                       # or: scripts/test-servers start smtp DIR
    set_rules(state, rcpt=[("^weg@", 550, "5.1.1 mailbox unavailable")])
    for record, message in received(state): ...   # email.message.EmailMessage
    stop(state)                                    # or: scripts/test-servers stop smtp DIR
"""
import email
import email.policy
import json
import os
import shutil
import subprocess

from test_servers import common

NAME = "smtp"
HANDLER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_handler.py")
_processes = {}  # pid → Popen of the servers this process started, reaped by stop()


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 and localhost: its own CA, for `ca_file`."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       check=True, capture_output=True)
        os.chmod(key, 0o600)
    return cert, key


def start(directory, port=None, user=None, password=None, tls=None, rcpt=(), data=None, delay=0, slow=None,
          idle_timeout=None, name=NAME):
    """Starts the server and waits until it listens. `port`: this one (to bring a server
    back where ritme expects it), else a free one. `user`/`password`: AUTH PLAIN or
    LOGIN required. `tls`: "starttls" (offered) or "smtps" (from the first byte).
    `rcpt`, `data`, `delay`, `slow`: the first rules, as set_rules takes them.
    `idle_timeout`: seconds after which the server closes an idle connection (300).
    Returns the state, also saved in DIRECTORY/NAME.json."""
    server_dir = os.path.join(directory, name)
    os.makedirs(server_dir, exist_ok=True)
    log_path = os.path.join(server_dir, "server.log")
    ready_path = os.path.join(server_dir, "ready.json")
    state = {"name": name, "host": "127.0.0.1", "directory": server_dir, "mail_dir": os.path.join(server_dir, "mail"),
             "received": os.path.join(server_dir, "received.jsonl"), "rules": os.path.join(server_dir, "rules.json"),
             "connections": os.path.join(server_dir, "connections.jsonl"), "log": log_path, "tls": tls,
             "user": user}
    set_rules(state, rcpt, data, delay, slow)
    extra = []
    if user:
        extra += ["--user", user, "--password", password or ""]
    if tls:
        cert, key = make_certificate(server_dir)
        extra += ["--tls", tls, "--cert", cert, "--key", key]
        state["ca_file"] = cert
    if idle_timeout:
        extra += ["--idle-timeout", str(idle_timeout)]

    for attempt in range(5):
        chosen = port or common.free_port()
        if os.path.exists(ready_path):
            os.remove(ready_path)
        process = common.spawn([common.DEBIAN_PYTHON, HANDLER, server_dir, str(chosen), *extra], log_path)

        def ready():
            if not os.path.exists(ready_path):
                return False
            with open(ready_path) as f:
                return json.load(f).get("pid") == process.pid

        try:
            common.wait_until(ready, 15, "aiosmtpd on port %d" % chosen, process, log_path)
        except RuntimeError:
            common.stop_pids([process.pid])
            if port or attempt == 4:
                raise
            continue  # another process took the free port first
        _processes[process.pid] = process
        scheme = "smtps" if tls == "smtps" else "smtp"
        state.update(port=chosen, pids=[process.pid], url=f"{scheme}://127.0.0.1:{chosen}/ritme.test")
        return common.save_state(directory, name, state)


def stop(state):
    common.stop(os.path.dirname(state["directory"]), state["name"])
    for pid in state.get("pids", []):
        process = _processes.pop(pid, None)
        if process is not None:
            process.poll()


def write_rules(state, rules):
    temporary = state["rules"] + ".tmp"
    with open(temporary, "w") as f:
        json.dump(rules, f)
    os.replace(temporary, state["rules"])


def set_rules(state, rcpt=(), data=None, delay=0, slow=None):
    """What the server answers from now on. `rcpt`: (pattern, code, text) for recipients
    matching the regular expression; `data`: (code, text) for every message; `delay`:
    seconds before answering a message (when `slow` is given, only a message to a
    recipient matching it). No arguments: accept everything at once."""
    rules = {"rcpt": [{"pattern": p, "code": c, "text": t} for p, c, t in rcpt], "delay": delay, "slow": slow}
    if data:
        rules["data"] = {"code": data[0], "text": data[1]}
    write_rules(state, rules)


def received(state):
    """Every message accepted so far, oldest first: (record, email.message.EmailMessage)."""
    if not os.path.exists(state["received"]):
        return []
    messages = []
    with open(state["received"]) as f:
        for line in f:
            record = json.loads(line)
            with open(os.path.join(state["mail_dir"], record["file"]), "rb") as m:
                messages.append((record, email.message_from_binary_file(m, policy=email.policy.default)))
    return messages


def connections(state):
    """Connection events so far, oldest first: {"event": "opened" or "closed", "peer_port", "at"}."""
    if not os.path.exists(state["connections"]):
        return []
    with open(state["connections"]) as f:
        return [json.loads(line) for line in f]


def clear(state):
    """Forgets the messages and connections seen so far."""
    for path in (state["received"], state["connections"]):
        if os.path.exists(path):
            os.remove(path)
    shutil.rmtree(state["mail_dir"], ignore_errors=True)
    os.makedirs(state["mail_dir"], exist_ok=True)
