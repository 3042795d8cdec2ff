"""A real PostgreSQL for the tests (Debian's `postgresql`): initdb into a fresh temporary
directory, then the server on a Unix socket in that directory only (no TCP port, so two
test runs on one machine never meet), with durability off, as a test needs none of it.
PostgreSQL refuses to run as root: when the tests run as root, the cluster belongs to
`nobody`, which needs nothing but that directory.

    state = start(directory)          # or: scripts/test-servers start postgresql DIR
    state["url"]                      # postgresql:///ritme?host=…&port=…&user=ritme
    restart(state)                    # a fast shutdown and a start: every connection is cut
    stop(state)                       # or: scripts/test-servers stop postgresql DIR

When the binaries are absent, start() raises Absent (and `scripts/test-servers start
postgresql` exits 77): the tests that need the server are skipped, saying so.
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

from test_servers import common

NAME = "postgresql"
ABSENT_EXIT = 77
DATABASE = "ritme"
USER = "ritme"
PORT = 5432  # names the socket file in the server's own directory; no TCP port is opened


class Absent(RuntimeError):
    pass


def binaries():
    """The newest installed PostgreSQL's bin directory, or RITME_POSTGRESQL_BIN."""
    chosen = os.environ.get("RITME_POSTGRESQL_BIN")
    if chosen:
        candidates = [chosen]
    else:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                            key=lambda path: int(path.split("/")[-2]) if path.split("/")[-2].isdigit() else 0)
    for path in reversed(candidates):
        if all(os.access(os.path.join(path, tool), os.X_OK) for tool in ("initdb", "postgres", "pg_isready")):
            return path
    raise Absent("PostgreSQL is not installed (no initdb, postgres and pg_isready in "
                 + (chosen or "/usr/lib/postgresql/*/bin") + "); scripts/install-deps installs it")


def run_as():
    """(uid, gid) to run the server as: this user, or `nobody` for root."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


def demote(ids):
    if ids is None:
        return None

    def switch():
        os.setgroups([])
        os.setgid(ids[1])
        os.setuid(ids[0])
    return switch


def start(directory, name=NAME):
    """initdb, start the server, create the database; returns the state, also saved in
    DIRECTORY/NAME.json."""
    os.makedirs(directory, exist_ok=True)
    log_path = os.path.join(directory, name + ".log")
    # A run that was killed before its `stop` (an interrupted ctest) left its server
    # running: the state file still names it.
    if os.path.exists(common.state_path(directory, name)):
        stop_state(common.load_state(directory, name))
    try:
        bin_dir = binaries()
    except Absent as e:
        common.save_state(directory, name, {"name": name, "absent": str(e), "pids": []})
        raise
    ids = run_as()
    # Short, so the socket's path stays within the 107 bytes a Unix socket allows.
    home = tempfile.mkdtemp(prefix="ritme-pg-")
    data = os.path.join(home, "data")
    if ids:
        os.chown(home, ids[0], ids[1])
    started = time.monotonic()

    def note(what):
        """How long each step took, in the log: a slow start says where it waited."""
        with open(log_path, "a") as log:
            log.write("test-servers: %s %s after %.2f s\n" % (time.strftime("%H:%M:%S"), what,
                                                                time.monotonic() - started))

    note("initdb starts")
    with open(log_path, "ab") as log:
        subprocess.run([os.path.join(bin_dir, "initdb"), "-D", data, "-U", USER, "-A", "trust", "-E", "UTF8",
                        "--locale=C", "--no-sync", "--no-instructions"],
                       stdout=log, stderr=subprocess.STDOUT, check=True, preexec_fn=demote(ids), cwd=home)
    note("initdb done")
    state = {"name": name, "home": home, "host": home, "port": PORT, "user": USER, "database": DATABASE,
             "pids": [], "log": log_path, "bin": bin_dir, "data": data}
    process = launch(state)
    common.save_state(directory, name, state)  # so `stop` finds it even if waiting fails
    try:
        wait_ready(state, process)
        note("server ready")
        subprocess.run([os.path.join(bin_dir, "createdb"), "-h", home, "-p", str(PORT), "-U", USER, DATABASE],
                       check=True, capture_output=True)
    except (RuntimeError, subprocess.CalledProcessError):
        stop(state)
        raise
    note("database created")
    state["url"] = "postgresql:///%s?host=%s&port=%d&user=%s" % (DATABASE, urllib.parse.quote(home, safe=""),
                                                                 PORT, USER)
    return common.save_state(directory, name, state)


def launch(state):
    """Starts the server on the state's data directory; its pid goes into the state."""
    settings = {
        "listen_addresses": "", "unix_socket_directories": state["home"], "port": str(PORT),
        "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
        "max_connections": "200", "shared_buffers": "32MB",
    }
    command = [os.path.join(state["bin"], "postgres"), "-D", state["data"]]
    for key, value in settings.items():
        command += ["-c", f"{key}={value}"]
    log = open(state["log"], "ab")
    try:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=state["home"], start_new_session=True, preexec_fn=demote(run_as()))
    finally:
        log.close()
    state["pids"] = [process.pid]
    return process


def wait_ready(state, process):
    def ready():
        return subprocess.run([os.path.join(state["bin"], "pg_isready"), "-q", "-h", state["home"], "-p", str(PORT),
                               "-U", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    common.wait_until(ready, 60, "PostgreSQL in " + state["home"], process, state["log"])


def restart(state):
    """A fast shutdown (SIGINT: every connection is cut, open transactions roll back) and a
    start on the same data, as `pg_ctl restart -m fast` does; returns once it takes
    connections again. The state keeps the new pid."""
    for pid in state.get("pids", []):
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 30
        while common.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if common.alive(pid):
            raise RuntimeError("PostgreSQL did not stop within 30 s of a fast shutdown" + common.tail(state["log"]))
    process = launch(state)
    wait_ready(state, process)
    directory = os.path.dirname(state["log"])
    if os.path.exists(common.state_path(directory, state["name"])):
        common.save_state(directory, state["name"], state)
    return state


def stop_state(state):
    """Stops the server by its pid (a fast shutdown: SIGINT) and removes its directory."""
    for pid in state.get("pids", []):
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 10
        while common.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if common.alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    home = state.get("home")
    if home and os.path.basename(home).startswith("ritme-pg-"):
        shutil.rmtree(home, ignore_errors=True)


def stop(state):
    stop_state(state)
    path = common.state_path(os.path.dirname(state["log"]), state["name"])
    if os.path.exists(path):
        os.remove(path)
