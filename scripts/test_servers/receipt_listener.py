"""A listener for delivery-report callbacks (Kannel's dlr-url, a provider's webhook): a
threaded HTTP server with a large listen backlog (Kannel sends reports in bursts and a
small backlog drops them) that appends every request as one JSON line to a file and
answers 200.

Run as a process: /usr/bin/python3 receipt_listener.py --port-file FILE --log FILE.
It binds a free loopback port itself and writes the port to --port-file when it
listens, so no other process can take the port in between."""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_servers import common  # noqa: E402


class ReceiptServer(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True

    def __init__(self, address, log_path):
        super().__init__(address, ReceiptHandler)
        self.log = open(log_path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def record(self, entry):
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.lock:
            self.log.write(line)
            self.log.flush()


class ReceiptHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Kannel and the providers use it

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        parts = urlsplit(self.path)
        self.server.record({
            "at": time.time(),
            "method": self.command,
            "path": parts.path,
            "query": {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()},
            "raw": self.path,
            "body": body,
        })
        answer = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = handle_any

    def log_message(self, format, *args):  # one JSON line per request is the log
        pass


# The Popen objects of the listeners this Python process started, kept so that one
# still running is not garbage-collected with a warning; stopping is by pid.
_running = {}


def start(directory, name="receipts"):
    """Starts a listener as a process; returns {"pid", "port", "url", "file", "log"}.
    The caller keeps the pid in its state and stops it with the rest."""
    port_file = os.path.join(directory, name + ".port")
    received = os.path.join(directory, name + ".jsonl")
    log_path = os.path.join(directory, name + ".log")
    if os.path.exists(port_file):
        os.remove(port_file)
    process = common.spawn([common.DEBIAN_PYTHON, os.path.abspath(__file__), "--port-file", port_file,
                            "--log", received], log_path)
    _running[process.pid] = process
    try:
        common.wait_until(lambda: os.path.exists(port_file), 10, "receipt listener", process, log_path)
    except RuntimeError:
        common.stop_pids([process.pid])
        raise
    with open(port_file) as f:
        port = int(f.read())
    return {"pid": process.pid, "port": port, "url": f"http://127.0.0.1:{port}", "file": received, "log": log_path}


def read(path):
    """Every request received so far, oldest first."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.endswith("\n")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    server = ReceiptServer(("127.0.0.1", options.port), options.log)
    temporary = options.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(temporary, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
