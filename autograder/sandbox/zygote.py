"""The grader's side of the zygote (``zygote_server.py``): a warm sandbox that forks kernels and workers.

One zygote per grading process, started on first use inside the same bubblewrap confinement as a cold sandbox
(no network, read-only system, the course folder absent) and restarted if it dies. The processes a grading process
forks (the pool of ``autograder grade --jobs N``) use its zygote too; one that finds it dead starts its own.
Each child it forks gets a folder of the zygote's spool (a scratch folder on this machine, bound into the sandbox at
the same path): the kernel's connection file and working copy of the submission, or the worker's scratch folder.

    zygote = shared_zygote(launcher)
    child = zygote.spawn("worker", child_dir, cwd=child_dir / "work")   # child.sock speaks wire
    child.poll(), child.wait(timeout), child.kill()
"""
import atexit
import json
import os
import shutil
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


class ZygoteError(RuntimeError):
    """The zygote could not be started or did not answer."""


class Zygote:
    def __init__(self, launcher):
        self.launcher = launcher
        # a forked copy of this process (a process pool's worker) uses the zygote but never stops or restarts it
        self.owner = os.getpid()
        self.spool = Path(tempfile.mkdtemp(prefix="rnn-course-zygote-")).resolve()
        bundle = self.spool / "grader"
        bundle.mkdir()
        for name in BUNDLE_FILES:
            shutil.copy(HERE / name, bundle / name)
        (self.spool / "children").mkdir()
        self.socket_path = str(self.spool / "zygote.sock")
        argv, kwargs = launcher.command_for([launcher.python, "-I", str(bundle / "zygote_server.py"), self.socket_path],
                                            self.spool, ["--ro-bind", str(bundle), str(bundle)])
        self._log = open(self.spool / "zygote.log", "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log,
                                     start_new_session=True, **kwargs)
        self._ready = False

    def wait_ready(self):
        """Wait until the zygote has imported what its children share (it starts in the background meanwhile)."""
        if self._ready:
            return
        ready = _read_line(self.proc.stdout, START_TIMEOUT)
        if ready != b"ready\n":
            self.close()
            raise ZygoteError(f"the warm sandbox did not start ({ready!r}): {self.log_tail()}")
        self._ready = True

    def alive(self):
        if os.getpid() == self.owner:
            return self.proc.poll() is None
        try:  # a forked copy of the owner (a process pool's worker) cannot wait for the zygote: it asks it
            self._ask({"kind": "status", "pid": 0})
            return True
        except ZygoteError:
            return False

    def log_tail(self):
        try:
            return (self.spool / "zygote.log").read_bytes()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def new_child_dir(self):
        return Path(tempfile.mkdtemp(dir=self.spool / "children"))

    def _ask(self, request, keep=False):
        self.wait_ready()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        try:
            sock.connect(self.socket_path)
            sock.sendall(json.dumps(request).encode() + b"\n")
            reply = _read_line_socket(sock)
        except OSError as exc:
            sock.close()
            raise ZygoteError(f"the warm sandbox did not answer ({exc})") from None
        if not keep:
            sock.close()
        try:
            answer = json.loads(reply)
        except ValueError:
            answer = {"error": f"unreadable reply {reply[:100]!r}"}
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

    def close(self):
        if os.getpid() != self.owner:
            return
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._log.close()
        self.launcher.cleanup(self.spool)
        shutil.rmtree(self.spool, ignore_errors=True)


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


_ZYGOTES = {}
_LOCK = threading.Lock()


def shared_zygote(launcher, wait=True):
    """This process's zygote for ``launcher``'s sandbox and limits, started (again) if needed.

    wait=False: return while it is still starting (the grader imports its own modules meanwhile); it is waited
    for at its first use."""
    key = (type(launcher).__name__, launcher.limits)
    with _LOCK:
        zygote = _ZYGOTES.get(key)
        if zygote is not None and zygote.owner != os.getpid() and not zygote._ready:
            zygote = None  # inherited through fork while it was starting: only its owner may read that it is ready
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            zygote = _ZYGOTES[key] = Zygote(launcher)
    if wait:
        zygote.wait_ready()
    return zygote


@atexit.register
def _close_all():
    for zygote in list(_ZYGOTES.values()):
        zygote.close()
    _ZYGOTES.clear()


def _read_line(stream, timeout):
    """One line from a pipe, or what arrived before ``timeout``."""
    import selectors
    data = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        while not data.endswith(b"\n") and time.monotonic() < deadline:
            if sel.select(max(0.0, deadline - time.monotonic())):
                chunk = os.read(stream.fileno(), 1)
                if not chunk:
                    break
                data += chunk
    return data


def _read_line_socket(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data
