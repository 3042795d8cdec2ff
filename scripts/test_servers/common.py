"""What every test server needs: a free loopback port, a process started in its own
session with its output in a log file, waiting until it listens, and stopping by pid."""
import json
import os
import signal
import socket
import subprocess
import time

DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's modules (aiosmtpd) are seen only by this one


def free_port():
    """A port nothing listens on now. Another process could take it before the server
    binds; start() functions retry with a new port when binding fails."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(command, log_path, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Starts a server in its own session (a test's Ctrl-C does not reach it), output to a log."""
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=stdin,
                                cwd=cwd, env=env, start_new_session=True)
    finally:
        log.close()


def listening(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(ready, timeout, what, process=None, log_path=None):
    """Polls `ready` until it is true; fails early when `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}" + tail(log_path))
        time.sleep(0.02)
    raise RuntimeError(f"{what}: not ready after {timeout} s" + tail(log_path))


def tail(log_path, lines=20):
    if not log_path or not os.path.exists(log_path):
        return ""
    with open(log_path, errors="replace") as f:
        return "\n--- " + log_path + " ---\n" + "".join(f.readlines()[-lines:])


def state_path(directory, name):
    return os.path.join(directory, name + ".json")


def save_state(directory, name, state):
    with open(state_path(directory, name), "w") as f:
        json.dump(state, f, indent=2)
    return state


def load_state(directory, name):
    with open(state_path(directory, name)) as f:
        return json.load(f)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process still answers kill(pid, 0).
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        return finished == 0
    except ChildProcessError:
        return True


def stop_pids(pids, grace=5.0):
    """SIGTERM, then SIGKILL after `grace` seconds, for each pid still running."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    for pid in pids:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stop(directory, name):
    """Stops the processes a start() recorded under `name`, last started first."""
    path = state_path(directory, name)
    if not os.path.exists(path):
        return
    state = load_state(directory, name)
    stop_pids(list(reversed(state.get("pids", []))))
    os.remove(path)
