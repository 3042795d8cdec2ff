#!/usr/bin/python3
"""Bad input against a real `ritme serve` on the real clock, while reminders fall due.

Thirty session reminders (29 by e-mail through the outbox, one by SMS through a
stand-in for Kannel's sendsms) fall due one after another from 3 to 15 seconds after
the daemon is ready. Meanwhile the test opens 10,000 idle TCP connections, sends
oversized headers and bodies, malformed request lines, invalid UTF-8 in the path, query
and body of /receipts/sms and /inbound/sms (the Kannel channel has a receipt token, so
the calls reach its reader), unknown paths, wrong methods, pipelined garbage and a
slow-loris. It asserts the documented answer to each (README, "The HTTP interface";
engine/http/http_server.hpp): 431, 413, 400, 404, 405, a 4xx and never a 5xx; the cap's
worth of connections held and every other closed at once; idle connections dropped
after the read timeout; the slow-loris cut off. And that the daemon kept sending: every
reminder sent, each within a second of its time by the database's delivery rows (whole
seconds) and by the daemon's own histogram; /healthz answers; the daemon still runs;
its log holds no message body and no full phone number, one entry a line. Last, Kannel
reports for the SMS whose SMS centre's reply holds broken bytes: stored, and status,
her messages and her export still read.

Offsets and session times are whole minutes, so the reminders are planned by ritme
for a few minutes on, and once the daemon runs their send_at is moved to the seconds
the attack covers, in the database: the daemon sees the commit through its database
watch, as it sees a session moved from the CLI.

The daemon is started with a soft RLIMIT_NOFILE of 1024, below what the flood needs:
it raises its soft limit to the hard one at start (daemon.cpp), which the test checks
in /proc, with the cap of connections below it."""
import contextlib
import json
import os
import re
import resource
import secrets
import select
import socket
import sqlite3
import sys
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import World, secret_file, wait_for  # noqa: E402
from test_servers import common  # noqa: E402

# The daemon's limits (engine/http/http_server.hpp, HttpLimits; README's table).
MAX_CONNECTIONS = 1000
READ_TIMEOUT = 10.0     # a whole request from its first byte; also a new connection's wait for it
HEADER_BYTES = 8 * 1024
BODY_BYTES = 64 * 1024

IDLE_CONNECTIONS = 10_000
FLOOD_THREADS = 4
REMINDERS = 30
FIRST_DUE = 3           # seconds after the daemon is ready
LAST_DUE = 15
# Lateness bound: the daemon's timer fires at send_at and the outbox writes a file, a
# few milliseconds of work; the test's 10,000 sockets and the daemon share two cores.
# The database keeps whole seconds, so a send in the same or the next second passes.
LATENESS_BOUND = 1
# An answer on a connection the daemon holds, while the flood is held or after it.
ANSWER_BOUND = 1.0

LEAD_PHONE = "+31612340000"  # the programme's lead (harness.PROGRAMME), in every reminder
SMS_ONE = REMINDERS // 2  # the one participant who takes SMS
SENDER = "Gemeente"
PHONE_BASE = 31612300100  # +316123001xx, one per participant

BODY_MARKER = "geheim-" + secrets.token_hex(4)  # sent in bodies and queries; must not reach the log


def channels(token_file, password_file, kannel_port):
    """SMS through Kannel (a stand-in for its sendsms interface: one participant takes
    SMS), whose channel reads /receipts/sms and /inbound/sms; e-mail through the outbox."""
    return f"""
[channel.sms]
adapter = "kannel"
url = "http://127.0.0.1:{kannel_port}/cgi-bin/sendsms"
username = "ritme"
password_file = "{password_file}"
from = "{SENDER}"
receipt_token_file = "{token_file}"

[channel.email]
adapter = "outbox"
dir = "outbox"
print = false
"""


class SendsmsStandIn(BaseHTTPRequestHandler):
    """Kannel's sendsms interface as far as the adapter needs it: 202, accepted."""

    def do_GET(self):
        body = b"0: Accepted for delivery"
        self.send_response(202)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Connection:
    """One raw HTTP/1.1 connection: sends bytes as given, reads answers one by one."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        """Sends what it can: the daemon may answer and close before a large body is in."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.sock.sendall(data)

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def response(self):
        """(status, headers, body) of the next answer; None when the daemon closed the
        connection without one."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                return None
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            if not self._fill():
                break
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed_by_peer(self):
        """Whether the daemon closed the connection (waits up to the socket's timeout)."""
        try:
            return self.sock.recv(4096) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def get(path, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()


def post(path, body, content_type="application/x-www-form-urlencoded"):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def is_4xx(status):
    return status is not None and 400 <= status < 500


def bad_requests(token):
    """(what, request bytes, the answer it must get): a status, or is_4xx."""
    t = urllib.parse.quote(token)
    oversized_chunked = (b"POST /inbound/sms?token=" + t.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" +
                         b"".join(b"4000\r\n" + b"x" * 0x4000 + b"\r\n" for _ in range(BODY_BYTES // 0x4000 + 1)) +
                         b"0\r\n\r\n")
    return [
        ("a header over the limit", get("/healthz", "X-Padding: " + "a" * (HEADER_BYTES + 1024) + "\r\n"), 431),
        ("many headers over the limit",
         get("/healthz", "".join(f"X-H{i}: {'b' * 100}\r\n" for i in range(HEADER_BYTES // 100 + 10))), 431),
        ("a body over the limit (Content-Length)",
         post(f"/inbound/sms?token={t}", b"text=" + BODY_MARKER.encode() + b"x" * (BODY_BYTES + 1024)), 413),
        ("a chunked body over the limit", oversized_chunked, 413),
        ("a request line that is not HTTP", b"GARBAGE\r\n\r\n", 400),
        ("a request line without a version", b"GET /healthz\r\nHost: x\r\n\r\n", 400),
        ("an unknown HTTP version", b"GET /healthz HTTP/7.3\r\nHost: x\r\n\r\n", 400),
        ("binary bytes (a TLS ClientHello)", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) +
         b"\r\n\r\n", 400),
        ("NUL bytes in the request line", b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("a header without a colon", b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", 400),
        ("a negative Content-Length", b"POST /inbound/sms HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
        ("a target that is not a path", b"GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("a target in absolute form (a proxy request)", b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("Content-Length and Transfer-Encoding both (smuggling)",
         b"POST /inbound/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         400),
        ("two Content-Lengths", b"POST /inbound/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
         b"Content-Length: 6\r\n\r\nhello!", 400),
        ("a Content-Length past 64 bits", b"POST /inbound/sms HTTP/1.1\r\nHost: x\r\n"
         b"Content-Length: 99999999999999999999999\r\n\r\n", 400),
        ("a chunk size past 64 bits", b"POST /inbound/sms HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"FFFFFFFFFFFFFFFFFFFF\r\n", 400),
        ("a broken %-escape in the path", get("/receipts/sms%G1"), 400),
        ("invalid UTF-8 %-escaped in the path", get(f"/receipts/sms%FF%FE?token={t}"), 400),
        ("invalid UTF-8 raw in the path", b"GET /inbound/\xc3\x28 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("invalid UTF-8 in a receipt's query",
         get(f"/receipts/sms?delivery=%FF%FE&type=1&reply=%C3%28&token={t}"), is_4xx),
        ("invalid UTF-8 raw in a receipt's query",
         b"GET /receipts/sms?delivery=1&type=\xff&token=" + t.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n", is_4xx),
        ("invalid UTF-8 in a receipt's body",
         post(f"/receipts/sms?token={t}", b"delivery=%FF&type=%C3%28&reply=\xff\xfe"), is_4xx),
        ("invalid UTF-8 in an answer's query (UTF-8 charset)",
         get(f"/inbound/sms?from=%FF%FE&to=1234&coding=0&charset=UTF-8&text=%C3%28{BODY_MARKER}&token={t}"), is_4xx),
        ("invalid UTF-8 in an answer's body",
         post(f"/inbound/sms?token={t}", b"from=\xff\xfe&charset=UTF-8&text=\xc3\x28" + BODY_MARKER.encode()), is_4xx),
        ("a UCS-2 answer of odd length",
         get(f"/inbound/sms?from=%2B31600000000&coding=2&charset=UTF-16BE&text=%D8%00%00&token={t}"), is_4xx),
        ("an answer without the channel's token",
         get(f"/inbound/sms?from=%2B31600000000&text={BODY_MARKER}&token=wrong"), 403),
        ("a receipt for a channel that does not exist", get(f"/receipts/nochannel?token={t}"), 404),
        ("answers to the e-mail channel (it reads none)", get("/inbound/email?text=x"), 404),
        ("an unknown path", get("/admin/../../etc/passwd"), 404),
        ("an unknown path with a query", get(f"/nope?text={BODY_MARKER}"), 404),
        ("DELETE /healthz", b"DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        ("POST /metrics", post("/metrics", b"x=1"), 405),
        ("PUT /receipts/sms", b"PUT /receipts/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
    ]


def run_bad_request(connection, what, request, expected):
    """Sends one bad request; returns a problem as text, or None."""
    connection.send(request)
    try:
        answer = connection.response()
    except socket.timeout:
        return f"{what}: no answer within {connection.sock.gettimeout()} s"
    status = answer[0] if answer else None
    ok = expected(status) if callable(expected) else status == expected
    if not ok:
        return f"{what}: answered {status}, expected {getattr(expected, '__name__', expected)}"
    if status >= 500:
        return f"{what}: answered {status}"
    return None


def pipelined_garbage(connection):
    """A good request then garbage in one write: the first is answered 200, the
    garbage 400, and the connection closes."""
    connection.send(get("/healthz") + b"\x00\x01 not http at all\r\n\r\n" + get("/healthz"))
    first = connection.response()
    second = connection.response()
    problems = []
    if not first or first[0] != 200:
        problems.append(f"pipelined: the good request answered {first and first[0]}, expected 200")
    if not second or second[0] != 400:
        problems.append(f"pipelined: the garbage answered {second and second[0]}, expected 400")
    if not connection.closed_by_peer():
        problems.append("pipelined: the connection stayed open after the garbage")
    return problems


class SlowLoris(threading.Thread):
    """Sends a request a byte a second until the daemon closes the connection."""
    REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 40 + b"\r\n\r\n"

    def __init__(self, port):
        super().__init__(daemon=True)
        self.connection = Connection(port, timeout=READ_TIMEOUT + 10)
        self.sent = 0
        self.first_byte = None
        self.closed_after = None
        self.answer = None

    def run(self):
        sock = self.connection.sock
        for i in range(len(self.REQUEST)):
            try:
                sock.sendall(self.REQUEST[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                break
            if self.first_byte is None:
                self.first_byte = time.monotonic()
            self.sent += 1
            readable, _, _ = select.select([sock], [], [], 1.0)
            if readable:
                break
        with contextlib.suppress(socket.timeout, ConnectionResetError):
            self.answer = self.connection.response()
            self.connection.closed_by_peer()
        self.closed_after = time.monotonic() - self.first_byte
        self.connection.close()


def connect_many(port, count, into, failures):
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError as e:
            failures.append(repr(e))
            continue
        into.append(sock)


def closed_sockets(sockets, timeout, enough=None):
    """Which of `sockets` the daemon has closed, waiting at most `timeout` until all
    are closed, or `enough` are and no more closed for a moment. Returns the set."""
    poller = select.poll()
    by_fd = {s.fileno(): s for s in sockets}
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    closed = set()
    deadline = time.monotonic() + timeout
    while len(closed) < len(by_fd):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        events = poller.poll(min(left, 0.2) * 1000)
        if not events and enough is not None and len(closed) >= enough:
            break
        for fd, _ in events:
            sock = by_fd[fd]
            with contextlib.suppress(BlockingIOError):
                try:
                    data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except ConnectionResetError:
                    data = b""
                if data == b"":
                    closed.add(sock)
                    poller.unregister(fd)
    return closed


def open_files_limit(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError("no 'Max open files' in /proc/PID/limits")


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class BadInput(unittest.TestCase):
    def setUp(self):
        soft, self.hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        needed = IDLE_CONNECTIONS + 500
        if self.hard != resource.RLIM_INFINITY and self.hard < needed:
            self.skipTest(f"the hard limit of open files ({self.hard}) is below the {needed} the flood needs")
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.hard, self.hard))
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, self.hard))

        self.port = common.free_port()
        self.secrets_dir = self.enterContext(_temporary_directory())
        self.token = secrets.token_hex(16)
        token_file = secret_file(self.secrets_dir, "receipts.token", self.token)
        password_file = secret_file(self.secrets_dir, "kannel.secret", "unused")
        kannel = ThreadingHTTPServer(("127.0.0.1", 0), SendsmsStandIn)
        threading.Thread(target=kannel.serve_forever, daemon=True).start()
        self.addCleanup(kannel.server_close)
        self.addCleanup(kannel.shutdown)
        self.world = World(channels(token_file, password_file, kannel.server_port), real_clock=True,
                           offsets=["2h"], listen=f"127.0.0.1:{self.port}")
        self.addCleanup(self.world.close)
        # The session 2 h 10 min on (2 h 30 min when that would end after midnight):
        # each participant's 2h reminder is planned for 10 (30) minutes from now, and
        # moved below to the seconds of the attack. Moved before anyone is enrolled, so
        # nobody gets a notice of the move.
        self.world.ritme("session", "move", harness.PROGRAMME_ID + "#1", "--to",
                         harness.session_start_from_now(130, 20))
        self.phones = [f"+{PHONE_BASE + i}" for i in range(REMINDERS)]
        people = self.world.path("people.csv")
        with open(people, "w") as f:
            f.write("name;phone;email;language;channels\n")
            for i, phone in enumerate(self.phones):
                f.write(f"Deelnemer {i};{phone};d{i}@example.org;nl;{'sms' if i == SMS_ONE else 'email'}\n")
        self.world.ritme("participant", "import", people, "--programme", harness.PROGRAMME_ID)

    def start_daemon(self):
        """`ritme serve` from a process whose soft limit of open files is 1024, as a
        login shell's often is: the daemon raises its own."""
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, self.hard))
        try:
            process = self.enterContext(self.world.serve())
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.hard, self.hard))
        wait_for(lambda: " ready " in self.world.serve_log() or process.poll() is not None, "the daemon to be ready")
        self.assertIsNone(process.poll(), self.world.serve_log())
        return process

    def move_reminders_into_the_attack(self):
        """Moves the planned reminders to FIRST_DUE…LAST_DUE seconds from now, spread
        evenly; returns their send_at by delivery id."""
        planned = self.world.rows("kind = 'reminder' AND state = 'planned'")
        self.assertEqual(len(planned), REMINDERS, planned)
        now = int(time.time())
        due = {}
        with contextlib.closing(sqlite3.connect(self.world.database, timeout=10)) as db:
            with db:
                for i, row in enumerate(planned):
                    at = now + FIRST_DUE + (LAST_DUE - FIRST_DUE) * i // (REMINDERS - 1)
                    db.execute("UPDATE delivery SET send_at = ?, due_at = ? WHERE id = ?", (at, at, row["id"]))
                    due[row["id"]] = at
        return due

    def healthz_on_a_new_connection(self):
        """(status or None, seconds) of GET /healthz on a new connection."""
        started = time.monotonic()
        connection = Connection(self.port)
        try:
            connection.send(get("/healthz"))
            answer = connection.response()
        finally:
            connection.close()
        return (answer[0] if answer else None), time.monotonic() - started

    def test_the_daemon_answers_bad_input_and_sends_every_reminder_on_time(self):
        process = self.start_daemon()
        soft, hard = open_files_limit(process.pid)
        self.assertEqual(soft, hard, "the daemon did not raise its soft limit of open files to the hard one")
        self.assertGreater(soft, MAX_CONNECTIONS + 100, "the cap of connections is not below the daemon's limit")

        due = self.move_reminders_into_the_attack()
        problems = []
        requests = bad_requests(self.token)

        # Connections for the bad requests and one kept alive for /healthz, opened before
        # the flood fills the cap; a slow-loris, a byte a second.
        loris = SlowLoris(self.port)
        loris.start()
        held = [Connection(self.port) for _ in requests]
        pipelined = Connection(self.port)
        keep_alive = Connection(self.port)
        self.addCleanup(keep_alive.close)
        keep_alive.send(get("/healthz"))
        status = keep_alive.response()
        self.assertEqual(status and status[0], 200)
        ours = len(held) + 3

        # 10,000 idle connections from several threads.
        flood, failures = [], []
        threads = [threading.Thread(target=connect_many, args=(self.port, IDLE_CONNECTIONS // FLOOD_THREADS,
                                                               flood, failures)) for _ in range(FLOOD_THREADS)]
        flood_started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        flood_connected = time.monotonic() - flood_started
        self.addCleanup(lambda: [s.close() for s in flood])
        self.assertEqual(failures, [], f"{len(failures)} of the idle connections were not accepted")
        self.assertEqual(len(flood), IDLE_CONNECTIONS)

        # Beyond the cap each is accepted and closed at once; the cap's worth stay open.
        at_once = closed_sockets(flood, timeout=5.0, enough=IDLE_CONNECTIONS - MAX_CONNECTIONS)
        held_idle = len(flood) - len(at_once)
        self.assertGreaterEqual(len(at_once), IDLE_CONNECTIONS - MAX_CONNECTIONS)
        self.assertEqual(held_idle + ours, MAX_CONNECTIONS)
        daemon_files = open_files(process.pid)
        self.assertLess(daemon_files, soft)
        # The cap is full: a new connection is closed without an answer, at once.
        status, seconds = self.healthz_on_a_new_connection()
        self.assertIsNone(status, "a connection beyond the cap was answered")
        self.assertLess(seconds, ANSWER_BOUND)
        # A connection the daemon holds is answered at once.
        started = time.monotonic()
        keep_alive.send(get("/healthz"))
        status = keep_alive.response()
        held_healthz = time.monotonic() - started
        self.assertEqual(status and status[0], 200)
        self.assertLess(held_healthz, ANSWER_BOUND)

        # Every bad request on a held connection: its 4xx, never a 5xx.
        for connection, (what, request, expected) in zip(held, requests):
            problem = run_bad_request(connection, what, request, expected)
            if problem:
                problems.append("while the flood is held: " + problem)
            connection.close()
        problems += pipelined_garbage(pipelined)
        pipelined.close()

        # The idle connections are dropped after the read timeout.
        remaining = [s for s in flood if s not in at_once]
        dropped = closed_sockets(remaining, timeout=READ_TIMEOUT + 5 - (time.monotonic() - flood_started))
        all_dropped = time.monotonic() - flood_started
        self.assertEqual(len(dropped), len(remaining), "idle connections were still open past the read timeout")
        for sock in flood:
            sock.close()
        flood.clear()

        # Then a new connection is answered, and every bad request again on one of its own.
        status, fresh_healthz = self.healthz_on_a_new_connection()
        self.assertEqual(status, 200)
        self.assertLess(fresh_healthz, ANSWER_BOUND)
        for what, request, expected in requests:
            connection = Connection(self.port)
            problem = run_bad_request(connection, what, request, expected)
            if problem:
                problems.append("after the flood: " + problem)
            connection.close()
        connection = Connection(self.port)
        problems += pipelined_garbage(connection)
        connection.close()

        # The slow-loris was cut off by the read timeout, without an answer but a 408.
        loris.join(timeout=READ_TIMEOUT + 15)
        self.assertFalse(loris.is_alive(), "the slow-loris was never cut off")
        self.assertLess(loris.sent, len(SlowLoris.REQUEST), "the slow-loris's request arrived whole")
        self.assertGreaterEqual(loris.sent, READ_TIMEOUT - 2)
        self.assertLessEqual(loris.closed_after, READ_TIMEOUT + 2)
        self.assertIn(loris.answer and loris.answer[0], (None, 408))
        self.assertEqual(problems, [])

        # Every reminder was sent, each within LATENESS_BOUND of its send_at.
        def all_sent():
            rows = self.world.rows("kind = 'reminder'")
            return rows if all(r["state"] == "sent" for r in rows) else None
        rows = wait_for(all_sent, "every reminder to be sent", timeout=LAST_DUE + 10)
        self.assertEqual(sorted(r["id"] for r in rows), sorted(due))
        lateness = sorted(r["sent_at"] - due[r["id"]] for r in rows)
        self.assertEqual([r["send_at"] for r in sorted(rows, key=lambda r: r["id"])],
                         [due[i] for i in sorted(due)], "a reminder's send_at was planned anew during the test")
        self.assertGreaterEqual(lateness[0], 0, "a reminder went before its time")
        self.assertLessEqual(lateness[-1], LATENESS_BOUND, f"lateness in seconds: {lateness}")
        sent_files = os.listdir(self.world.path("outbox"))
        self.assertGreaterEqual(len([f for f in sent_files if f != "sent.log"]), REMINDERS - 1)

        # The daemon's own figures: this process's sends, each within a second.
        metrics = Connection(self.port)
        metrics.send(get("/metrics"))
        answer = metrics.response()
        metrics.close()
        self.assertEqual(answer[0], 200)
        histogram = parse_lateness(answer[2].decode())
        self.assertEqual(histogram["count"], REMINDERS)
        self.assertEqual(histogram["1"], REMINDERS, f"sends later than 1 s: {histogram}")

        # Delivery reports for the SMS reminder whose SMS centre's reply (%A) holds broken
        # bytes and a line break: each is taken (200), and what ritme keeps of them stays
        # readable. Kept as they came, they left a receipt and a reason the store refuses
        # to read back: `ritme status`, her messages and her export failed from then on,
        # and the log line split in two.
        sms = next(r for r in rows if r["channel"] == "sms")
        token = urllib.parse.quote(self.token)
        for kind, reply in ((8, "id:1%20stat:ACCEPTD%FF%FE%20err:%C3%28"),
                            (16, "id:1%20stat:REJ%FF%0A2026-01-01T00:00:00Z%20err:%C3%28")):
            connection = Connection(self.port)
            connection.send(get(f"/receipts/sms?delivery={sms['id']}&type={kind}&reply={reply}&token={token}"))
            answer = connection.response()
            connection.close()
            self.assertEqual(answer and answer[0], 200)
        failed = self.world.rows("id = ?", sms["id"])[0]
        self.assertEqual(failed["state"], "failed")
        self.assertIn("stat:REJ", failed["reason"])
        status = self.world.ritme("status", check=False)
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        shown = self.world.ritme("participant", "show", sms["participant_id"])
        self.assertIn("stat:ACCEPTD", shown.stdout)
        exported = json.loads(self.world.ritme("participant", "export", sms["participant_id"]).stdout)
        self.assertIn("stat:REJ", json.dumps(exported))

        # Still running, still answering.
        self.assertIsNone(process.poll())
        status, _ = self.healthz_on_a_new_connection()
        self.assertEqual(status, 200)

        log = self.world.serve_log()
        for line in log.splitlines():
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (debug|info|warning|error) \S")
        self.assertIn("http.busy", log)
        self.assertIn("http.refused status=408", log)
        bodies = sent_bodies(self.world.path("outbox"))
        self.assertGreaterEqual(len(bodies), 2)
        for phone in self.phones + [LEAD_PHONE, "+31600000000"]:
            for form in (phone, phone[1:], "00" + phone[1:]):
                self.assertNotIn(form, log)
        self.assertNotIn(BODY_MARKER, log)
        self.assertNotIn(self.token, log)
        for line in bodies:
            self.assertNotIn(line, log)

        print(f"\nflood: {IDLE_CONNECTIONS} connected in {flood_connected:.2f} s, {len(at_once)} closed at once, "
              f"{held_idle} held (+{ours} of the test's), all dropped {all_dropped:.1f} s after the flood began; "
              f"daemon: {daemon_files} files open of {soft}; /healthz {held_healthz * 1000:.1f} ms on a held "
              f"connection, {fresh_healthz * 1000:.1f} ms on a new one after; slow-loris cut off "
              f"{loris.closed_after:.1f} s after its first byte ({loris.sent} bytes)\n"
              f"lateness (database, whole s): {lateness}; histogram: {histogram}", file=sys.stderr)


def parse_lateness(metrics):
    """ritme_send_lateness_seconds: the count and each bucket's cumulative count by `le`."""
    histogram = {}
    for line in metrics.splitlines():
        match = re.match(r'ritme_send_lateness_seconds_bucket\{le="([^"]+)"\} (\d+)', line)
        if match:
            histogram[match.group(1)] = int(match.group(2))
        elif line.startswith("ritme_send_lateness_seconds_count "):
            histogram["count"] = int(line.split()[1])
    return histogram


def sent_bodies(outbox):
    """The lines of the message bodies in the outbox (each file: headers, a blank line,
    the body)."""
    lines = set()
    for name in os.listdir(outbox):
        if name == "sent.log":
            continue
        with open(os.path.join(outbox, name), errors="replace") as f:
            body = f.read().partition("\n\n")[2]
        lines.update(line.strip() for line in body.splitlines() if len(line.strip()) > 10)
    return lines


@contextlib.contextmanager
def _temporary_directory():
    import shutil
    import tempfile
    path = tempfile.mkdtemp(prefix="ritme-bad-input-")
    try:
        yield path
    finally:
        if not os.environ.get("RITME_KEEP"):
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    harness.main()
