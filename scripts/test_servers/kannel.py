"""Kannel on loopback (packages kannel, kannel-extras): bearerbox with a fake SMS centre
(/usr/lib/kannel/test/fakesmsc, printing every message it gets, and sending a
participant's text to Kannel when a test writes one: send_mo), smsbox with its sendsms
HTTP interface, and a listener for delivery-report callbacks.

start(directory, inbound_url=URL) makes smsbox's sms-service pass every text a phone
sends to URL (Kannel's get-url, with its %-escapes) and send no reply of its own
(max-messages = 0), as README.md tells operators to set it up.

start(directory) writes kannel.conf, starts the processes, waits until the admin status
shows the SMS centre online and smsbox connected, and saves the state (pids, ports,
files) as DIRECTORY/kannel.json. The sendsms-user is `ritme` with a generated password
(also in a 0600 file), concatenation on and up to `max_messages` parts; it refuses
numbers that start with `refused_prefix` (HTTP 400, as for a barred number). It has no
default-sender, so a request without `from` is refused (HTTP 400 "Sender missing").
Kannel cuts a text longer than max-messages parts and still answers 202: a too-long text
is no error there.

For fault tests: stop_smsbox/start_smsbox (the sendsms interface goes away and comes
back), stop_smsc/start_smsc (the SMS centre is unreachable: Kannel queues), and
stop_bearerbox/start_bearerbox (the whole gateway). received(state) reads what the fake
SMS centre got; receipts(state) the callbacks."""
import os
import re
import secrets
import subprocess
import urllib.parse
import urllib.request

from test_servers import common
from test_servers import receipt_listener

NAME = "kannel"
BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME = "ritme"
SMSC_ID = "fake"
REFUSED_PREFIX = "+31687990"
START_TIMEOUT = 15

CONFIG = """\
group = core
admin-port = {admin}
admin-interface = 127.0.0.1
admin-password = {admin_password}
admin-allow-ip = 127.0.0.1
smsbox-port = {box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{directory}/bearerbox.log"
log-level = {log_level}
access-log = "{directory}/bearerbox-access.log"
store-type = file
store-location = "{directory}/kannel.store"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = {smsc_id}
port = {smsc}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{directory}/smsbox.log"
log-level = {log_level}
access-log = "{directory}/smsbox-access.log"

group = sendsms-user
username = {username}
password = {password}
concatenation = true
max-messages = {max_messages}
black-list-regex = "^\\{refused_prefix}"

{sms_service}"""

# Without ritme to pass texts to, Kannel answers them itself.
REPLYING_SERVICE = """\
group = sms-service
keyword = default
catch-all = true
text = "ritme sends reminders only"
"""

# As README.md shows it: every text to ritme's inbound URL, no reply from Kannel.
PASSING_SERVICE = """\
group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{inbound_url}"
"""


def start(directory, max_messages=10, log_level=1, inbound_url=None):
    """Starts Kannel and the receipt listener; retries with new ports when one was taken."""
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    problem = None
    for _ in range(3):
        state = _configure(directory, max_messages, log_level, inbound_url)
        try:
            _start_core(state)
            listener = receipt_listener.start(directory)
            state["pids"].append(listener["pid"])
            state["processes"]["receipts"] = listener["pid"]
            state["ports"]["receipts"] = listener["port"]
            state["receipts"] = listener["file"]
            state["receipt_url"] = listener["url"] + "/receipts/kannel"
            state["logs"]["receipts"] = listener["log"]
            return common.save_state(directory, NAME, state)
        except RuntimeError as error:
            problem = error
            common.stop_pids(list(reversed(state["pids"])))
    raise RuntimeError(f"kannel did not start: {problem}")


def _configure(directory, max_messages, log_level, inbound_url):
    ports = {"admin": common.free_port(), "box": common.free_port(), "smsc": common.free_port(),
             "sendsms": common.free_port()}
    while len(set(ports.values())) < len(ports):
        ports["sendsms"] = common.free_port()
    password = secrets.token_hex(8)
    admin_password = secrets.token_hex(8)
    config = os.path.join(directory, "kannel.conf")
    service = PASSING_SERVICE.format(inbound_url=inbound_url) if inbound_url else REPLYING_SERVICE
    with open(config, "w") as f:
        f.write(CONFIG.format(directory=directory, admin_password=admin_password, log_level=log_level,
                              smsc_id=SMSC_ID, username=USERNAME, password=password, max_messages=max_messages,
                              refused_prefix=REFUSED_PREFIX, sms_service=service, **ports))
    mo_fifo = os.path.join(directory, "fakesmsc.in")
    if not os.path.exists(mo_fifo):
        os.mkfifo(mo_fifo, 0o600)
    password_file = os.path.join(directory, "kannel.secret")
    with open(password_file, "w") as f:
        f.write(password + "\n")
    os.chmod(password_file, 0o600)
    return {
        "pids": [],
        "processes": {},
        "ports": ports,
        "config": config,
        "sendsms_url": f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms",
        "username": USERNAME,
        "password": password,
        "password_file": password_file,
        "smsc_id": SMSC_ID,
        "refused_prefix": REFUSED_PREFIX,
        "max_messages": max_messages,
        "status_url": f"http://127.0.0.1:{ports['admin']}/status.txt?password={admin_password}",
        "logs": {name: os.path.join(directory, name + ".out") for name in ("bearerbox", "fakesmsc", "smsbox")},
        "received": os.path.join(directory, "fakesmsc.out"),
        "mo_fifo": mo_fifo,
    }


def _start_core(state):
    _start(state, "bearerbox", [BEARERBOX, state["config"]],
           lambda: common.listening(state["ports"]["smsc"]) and common.listening(state["ports"]["box"]))
    _start_fakesmsc(state)
    _start_smsbox(state)


# The Popen objects of the processes this Python process started, kept so that one
# still running is not garbage-collected with a warning; stopping is by pid.
_running = {}


def _start(state, name, command, ready, stdin=subprocess.DEVNULL):
    process = common.spawn(command, state["logs"][name], cwd=os.path.dirname(state["config"]), stdin=stdin)
    _running[process.pid] = process
    state["pids"].append(process.pid)
    state["processes"][name] = process.pid
    common.wait_until(ready, START_TIMEOUT, name, process, state["logs"][name])
    return process


def _start_fakesmsc(state):
    # Given no message on its command line, fakesmsc sends what it reads from stdin, a
    # message a line, and stops at its end. Its stdin is a FIFO it also holds open for
    # writing, so it never ends: send_mo writes to it from any process. -v 0 prints a
    # "Got message" line per message received and a "sent message" line per one sent.
    fifo = os.open(state["mo_fifo"], os.O_RDWR)
    try:
        _start(state, "fakesmsc",
               [FAKESMSC, "-H", "127.0.0.1", "-r", str(state["ports"]["smsc"]), "-i", "0.01", "-v", "0"],
               lambda: _smsc_online(state), stdin=fifo)
    finally:
        os.close(fifo)


def _start_smsbox(state):
    _start(state, "smsbox", [SMSBOX, state["config"]],
           lambda: common.listening(state["ports"]["sendsms"]) and _smsbox_connected(state))


def status(state):
    """bearerbox's admin status page as text, or "" when it does not answer."""
    try:
        with urllib.request.urlopen(state["status_url"], timeout=2) as answer:
            return answer.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _smsc_online(state):
    return re.search(rf"^\s*{SMSC_ID}\[{SMSC_ID}\]\s+FAKE:\d+ \(online", status(state), re.MULTILINE) is not None


def _smsbox_connected(state):
    return re.search(r"^\s*smsbox:", status(state), re.MULTILINE) is not None


def _stop(directory, names):
    state = common.load_state(directory, NAME)
    pids = [state["processes"].pop(name) for name in names if name in state["processes"]]
    common.stop_pids(pids)
    for pid in pids:
        process = _running.pop(pid, None)
        if process is not None:
            process.wait()
    state["pids"] = [pid for pid in state["pids"] if pid not in pids]
    common.save_state(directory, NAME, state)
    return state


def _restart(directory, starter):
    state = common.load_state(directory, NAME)
    try:
        starter(state)
    finally:
        common.save_state(directory, NAME, state)
    return state


def stop_smsbox(directory):
    """The sendsms interface goes away: a send finds no one listening."""
    return _stop(directory, ["smsbox"])


def start_smsbox(directory):
    return _restart(directory, _start_smsbox)


def stop_smsc(directory):
    """The SMS centre goes away: bearerbox answers "3: Queued for later delivery"."""
    return _stop(directory, ["fakesmsc"])


def start_smsc(directory):
    return _restart(directory, _start_fakesmsc)


def stop_bearerbox(directory):
    """The whole gateway: smsbox and the SMS centre go down with bearerbox."""
    return _stop(directory, ["smsbox", "fakesmsc", "bearerbox"])


def start_bearerbox(directory):
    return _restart(directory, _start_core)


# fakesmsc prints one "Got message N: <SENDER RECEIVER TYPE DATA>" line per line it
# receives from bearerbox, where DATA is the text itself for GSM-7 ("text"), URL-encoded
# UTF-16BE for "ucs-2", and for each part of a concatenated message "udh UDH data DATA",
# both URL-encoded (the part's coding is not printed: UTF-16BE for UCS-2, the text's
# UTF-8 otherwise). The fake SMS centre's protocol is one message a line, so a GSM-7
# text with a line break arrives as more than one line: a line that does not start
# with a sender, a number and a type continues the text before it.
_GOT = re.compile(r"DEBUG: Got message \d+: <(.*)>$")
_START = re.compile(r"(\S+) (\+?\d{6,}) (text|ucs-2|udh|data) (.*)$", re.DOTALL)


def _url_bytes(text):
    return urllib.parse.unquote_to_bytes(text.replace("+", " "))


def _lines(log):
    """The messages' lines as fakesmsc received them."""
    lines = []
    for line in log.splitlines():
        match = _GOT.search(line)
        if match is None:
            continue
        if _START.match(match.group(1)) or not lines:
            lines.append(match.group(1))
        else:
            lines[-1] += "\n" + match.group(1)
    return lines


def received(state):
    """Every message the fake SMS centre got, concatenated parts joined, oldest first:
    dicts with sender, receiver, type ("text", "ucs-2", or "udh" for a message in
    parts), parts, data (the bytes as sent) and text (decoded; None for a message in
    parts, whose coding fakesmsc does not print: decode data as the test expects)."""
    path = state["received"]
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = _lines(f.read())
    messages = []
    pending = {}  # (sender, receiver, reference) -> the message being joined
    for line in lines:
        match = _START.match(line)
        if match is None:
            continue
        sender, receiver, kind, rest = match.groups()
        if kind == "text":
            messages.append({"sender": sender, "receiver": receiver, "type": kind, "parts": 1,
                             "data": rest.encode("utf-8"), "text": rest})
        elif kind == "ucs-2":
            data = _url_bytes(rest)
            messages.append({"sender": sender, "receiver": receiver, "type": kind, "parts": 1, "data": data,
                             "text": data.decode("utf-16-be")})
        elif kind == "udh":
            udh, _, data = rest.partition(" data ")
            header = _url_bytes(udh)
            # 05 00 03 REF TOTAL SEQ: the concatenation element with an 8-bit reference.
            reference, total = (header[3], header[4]) if len(header) >= 6 and header[1] == 0 else (None, 1)
            key = (sender, receiver, reference)
            message = pending.get(key)
            if message is None:
                message = {"sender": sender, "receiver": receiver, "type": kind, "parts": 0, "data": b"",
                           "text": None, "total": total}
                pending[key] = message
                messages.append(message)
            message["parts"] += 1
            message["data"] += _url_bytes(data)
            if message["parts"] >= total:
                del pending[key]
        else:
            messages.append({"sender": sender, "receiver": receiver, "type": kind, "parts": 1,
                             "data": _url_bytes(rest), "text": None})
    return messages


_SENT = re.compile(r"fakesmsc: sent message \d+$", re.MULTILINE)


def _sent_count(state):
    with open(state["received"], encoding="utf-8", errors="replace") as f:
        return len(_SENT.findall(f.read()))


def send_mo(state, sender, text, receiver="4567", timeout=10):
    """A phone (`sender`) texts `text` to the gateway's number: as GSM text when it is
    plain ASCII, else as UCS-2 (UTF-16BE), as a phone sends Arabic or Tigrinya. Returns
    when the fake SMS centre has handed it to Kannel: fakesmsc reads one line at a time,
    so the next waits for this one."""
    if all(32 <= ord(c) < 127 for c in text):
        line = f"{sender} {receiver} text {text}"
    else:
        line = f"{sender} {receiver} ucs2 {urllib.parse.quote_from_bytes(text.encode('utf-16-be'), safe='')}"
    before = _sent_count(state)
    writer = os.open(state["mo_fifo"], os.O_WRONLY)
    try:
        os.write(writer, line.encode("utf-8") + b"\n")
    finally:
        os.close(writer)
    common.wait_until(lambda: _sent_count(state) > before, timeout, "fakesmsc sending a text")


def receipts(state):
    """The delivery-report callbacks received so far (receipt_listener's JSON lines)."""
    return receipt_listener.read(state["receipts"])


def stop(directory):
    common.stop(directory, NAME)
