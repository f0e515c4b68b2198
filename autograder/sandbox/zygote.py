"""The grader's side of the zygote (``zygote_server.py``): a warm sandbox that forks kernels and workers.

One zygote per machine, started on first use inside the same bubblewrap confinement as a cold sandbox (no network,
read-only system, the course folder absent) and shared by every grading process of the same user, sandbox and code:
an ``nbgrader autograde`` after another, the pool of ``autograder grade --jobs N``, a Dask worker, the test suite's
many graders. Each pays for its start (2 s of CPU: Python, torch, ipykernel) only when none is running. It leaves by
itself once no child is alive and no request came for ``IDLE_SECONDS``; whichever grading process finds it gone
starts a new one (under a lock, so one at a time). ``RNN_COURSE_ZYGOTE_SCOPE`` separates zygotes that would
otherwise be shared (the test suite gives each of its worker processes its own, so that a test that kills one
touches no other test's).

Where it is: ``$TMPDIR/rnn-course-zygotes-UID/`` (private to the user) holds, per key, a lock and a record of the
running zygote (its spool and the bubblewrap process). Each child it forks gets a folder of the zygote's spool,
bound into the sandbox at the same path: the kernel's connection file and working copy of the submission, or the
worker's scratch folder.

    zygote = shared_zygote(launcher)
    child = zygote.spawn("worker", child_dir, cwd=child_dir / "work")   # child.sock speaks wire
    child.poll(), child.wait(timeout), child.kill()
"""
import fcntl
import functools
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .launchers import clean_environment

HERE = Path(__file__).resolve().parent
BUNDLE_FILES = ("zygote_server.py", "worker.py", "wire.py", "tracing.py", "randomness.py")
START_TIMEOUT = 120.0
IDLE_SECONDS = 120.0  # a zygote with no child alive leaves after this long without a request
SCOPE_VARIABLE = "RNN_COURSE_ZYGOTE_SCOPE"


class ZygoteError(RuntimeError):
    """The zygote could not be started or did not answer."""


def machine_folder():
    """The user's private folder of zygote records and spools."""
    folder = Path(tempfile.gettempdir()) / f"rnn-course-zygotes-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        raise ZygoteError(f"{folder} is not a folder private to this user")
    return folder


def zygote_key(launcher):
    """A digest of what a zygote's children depend on: what the sandbox sees and its limits, the code it runs, and
    the scope. Any difference gives another zygote."""
    identity = repr((launcher.identity(), os.environ.get(SCOPE_VARIABLE, ""), _bundle_digest()))
    return hashlib.sha256(identity.encode()).hexdigest()[:20]


@functools.cache  # read once per process: asked at every kernel and worker start
def _bundle_digest():
    digest = hashlib.sha256()
    for name in BUNDLE_FILES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes())
    return digest.hexdigest()


def _start_time(pid):
    """The start time of process ``pid`` (clock ticks since boot), or None if it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in "ZX" else int(fields[19])


class Zygote:
    """A handle on the machine's zygote for one key: started by this process (``start``) or found running."""

    def __init__(self, launcher, spool, pid, started, proc=None, cgroup=None):
        self.launcher = launcher
        self.spool = Path(spool)
        self.socket_path = str(self.spool / "zygote.sock")
        self.pid, self.started = pid, started  # the bubblewrap process outside: the zygote dies with it
        self.proc = proc  # the Popen of bubblewrap, in the process that started it (not in its forked copies)
        self.owner = os.getpid()
        self.cgroup = cgroup  # its pids cgroup, if the machine has them
        self._ready = False

    @classmethod
    def from_record(cls, launcher, found):
        return cls(launcher, found["spool"], found["pid"], found["started"], cgroup=found.get("cgroup"))

    @classmethod
    def start(cls, launcher, folder, key):
        spool = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=folder)).resolve()
        bundle = spool / "grader"
        bundle.mkdir()
        for name in BUNDLE_FILES:
            shutil.copy(HERE / name, bundle / name)
        (spool / "children").mkdir()
        argv, kwargs = launcher.command_for(
            [launcher.python, "-I", str(bundle / "zygote_server.py"), str(spool / "zygote.sock"), str(IDLE_SECONDS)],
            spool, ["--ro-bind", str(bundle), str(bundle)], die_with_parent=False)
        with open(spool / "zygote.log", "wb") as log:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                    start_new_session=True, **kwargs)
        return cls(launcher, spool, proc.pid, _start_time(proc.pid), proc, launcher.cgroup_of(spool))

    def record(self):
        return {"spool": str(self.spool), "pid": self.pid, "started": self.started,
                "cgroup": str(self.cgroup) if self.cgroup else None}

    def running(self):
        """Whether its bubblewrap process is still there (starting, serving or leaving)."""
        if self.proc is not None and self.owner == os.getpid():
            return self.proc.poll() is None  # (and reaps it once it has left)
        return self.started is not None and _start_time(self.pid) == self.started

    def _answers(self):
        try:
            self._send({"kind": "status", "pid": 0})
            return True
        except (OSError, ValueError):
            return False

    def wait_ready(self):
        """Wait until the zygote answers (it imports what its children share: 2 s, in the background meanwhile)."""
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready:
            if self._answers():
                self._ready = True
            elif not self.running():
                raise ZygoteError(f"the warm sandbox is gone or did not start: {self.log_tail()}")
            elif time.monotonic() > deadline:
                self.stop()
                raise ZygoteError(f"the warm sandbox did not start in {START_TIMEOUT:g} s: {self.log_tail()}")
            else:
                time.sleep(0.02)

    def alive(self):
        """Whether it serves (or, still starting, may): asks it once it has answered before."""
        if not self._ready:
            return self.running()
        return self._answers()

    def log_tail(self):
        try:
            return (self.spool / "zygote.log").read_bytes()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def new_child_dir(self):
        return Path(tempfile.mkdtemp(dir=self.spool / "children"))

    def _send(self, request, keep=False):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        try:
            sock.connect(self.socket_path)
            sock.sendall(json.dumps(request).encode() + b"\n")
            reply = _read_line_socket(sock)
            answer = json.loads(reply)
        except (OSError, ValueError):
            sock.close()
            raise
        if not keep:
            sock.close()
        return answer, sock

    def _ask(self, request, keep=False):
        self.wait_ready()
        try:
            answer, sock = self._send(request, keep=True)
        except OSError as exc:
            raise ZygoteError(f"the warm sandbox did not answer ({exc})") from None
        except ValueError:
            raise ZygoteError("the warm sandbox sent an unreadable reply") from None
        if not keep:
            sock.close()
        if "error" in answer:
            sock.close()
            raise ZygoteError(f"the warm sandbox refused {request.get('kind')}: {answer['error']}")
        return (answer, sock) if keep else answer

    def spawn(self, kind, child_dir, cwd, connection_file=None):
        """Fork a ``kind`` ("worker" or "kernel") child that sees only ``child_dir``; returns a ZygoteChild."""
        limits = self.launcher.limits
        request = {"kind": kind, "dir": str(child_dir), "cwd": str(cwd),
                   "env": clean_environment(cwd, pythonpath=self.launcher.library_path),
                   "tmp_bytes": limits.tmp_bytes, "connection_file": connection_file,
                   "limits": {"memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds,
                              "file_bytes": limits.file_bytes, "open_files": limits.open_files}}
        answer, sock = self._ask(request, keep=True)
        sock.settimeout(None)
        return ZygoteChild(self, int(answer["pid"]), sock)

    def stop(self):
        """Kill it (and every child with it) and remove what it leaves behind."""
        if self.running():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            deadline = time.monotonic() + 10
            while self.running() and time.monotonic() < deadline:
                time.sleep(0.01)
        _remove_remains(self.record())


def _remove_remains(record):
    shutil.rmtree(record["spool"], ignore_errors=True)
    if record.get("cgroup"):
        try:
            os.rmdir(record["cgroup"])
        except OSError:
            pass


class ZygoteChild:
    """A kernel or worker forked by the zygote: a subset of ``subprocess.Popen`` (pid is the zygote's id)."""

    stdin = stdout = stderr = None

    def __init__(self, zygote, pid, sock):
        self.zygote, self.pid, self.sock = zygote, pid, sock
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:  # a zygote that does not answer is dead (or was replaced): everything it started died with it
                self.returncode = self.zygote._ask({"kind": "status", "pid": self.pid})["status"]
            except ZygoteError:
                self.returncode = -9
        return self.returncode

    def _wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("zygote child", timeout)
            time.sleep(0.01)
        return self.returncode

    def kill(self, now=False):
        if self.returncode is None:
            try:
                self.zygote._ask({"kind": "kill", "pid": self.pid, "now": now})
            except ZygoteError:
                pass  # the zygote is gone, and the child with it

    def wait(self, timeout=None):
        """Wait until the child and every process of its namespace are gone (after 10 s of kill, at once)."""
        try:
            return self._wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill(now=True)
            raise

    terminate = kill

    def send_signal(self, signum):
        self.kill()  # interrupts travel as messages; any signal sent to a child means: stop it

    def close(self):
        self.sock.close()


_ZYGOTES = {}  # key -> this process's handle on the machine's zygote
_LOCK = threading.Lock()


def shared_zygote(launcher, wait=True):
    """The machine's zygote for ``launcher``'s sandbox and limits: running, or started (again) here.

    wait=False: return while it is still starting (the grader imports its own modules meanwhile); it is waited
    for at its first use."""
    key = zygote_key(launcher)
    with _LOCK:
        for attempt in range(2):
            zygote = _ZYGOTES.get(key)
            if zygote is None or not zygote.alive():
                zygote = _ZYGOTES[key] = _find_or_start(launcher, key)
            if not wait:
                return zygote
            try:
                zygote.wait_ready()
                return zygote
            except ZygoteError:
                if (zygote.proc is not None and zygote.owner == os.getpid()) or attempt:
                    raise  # started here and did not start: the log says why
                # found while it was leaving (idle) or dying: start one


def stop_shared_zygote(launcher):
    """Stop the machine's zygote for ``launcher``'s sandbox if one runs (a benchmark times a start from nothing)."""
    key = zygote_key(launcher)
    folder = machine_folder()
    with _LOCK, open(folder / f"{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _ZYGOTES.pop(key, None)
        found = _read_record(folder / f"{key}.json")
        if found is not None:
            Zygote.from_record(launcher, found).stop()


def _find_or_start(launcher, key):
    """Under the machine's lock for ``key``: the running zygote it records, else a new one (recorded)."""
    folder = machine_folder()
    record = folder / f"{key}.json"
    with open(folder / f"{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = _read_record(record)
        if found is not None:
            zygote = Zygote.from_record(launcher, found)
            if zygote.running():
                return zygote  # serving, or still starting (or leaving: shared_zygote then starts one)
            _remove_remains(found)
        _sweep(folder, keep=key)
        zygote = Zygote.start(launcher, folder, key)
        partial = record.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(zygote.record()))
        os.replace(partial, record)
        return zygote


def _sweep(folder, keep):
    """Remove what zygotes of other keys left when they left (their spool, cgroup, record and lock)."""
    for record in folder.glob("*.json"):
        key = record.stem
        if key == keep:
            continue
        with open(folder / f"{key}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # being started or found right now
            found = _read_record(record)
            if found is None or _start_time(found["pid"]) != found["started"]:
                if found:
                    _remove_remains(found)
                record.unlink(missing_ok=True)
                (folder / f"{key}.lock").unlink(missing_ok=True)


def _read_record(path):
    """The record of a zygote ({"spool", "pid", "started", "cgroup"}), or None if there is none readable."""
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and {"spool", "pid", "started"} <= set(found) else None


def _read_line_socket(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data
