"""The grader's side of a worker: start it in a sandbox, send requests, enforce
time limits, kill its whole process group when done.

Nothing the worker sends is trusted: replies are parsed with ``wire`` (no
pickle) and bounded in size; a worker that hangs is killed at the deadline.
"""
import os
import select
import selectors
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from ..messages import N_, _

from . import wire

WORKER_FILES = ("worker.py", "wire.py", "tracing.py", "randomness.py")
_SIGNALS = {int(s) for s in signal.Signals}
HERE = Path(__file__).resolve().parent
STOPPED_WAITING = "the grader stopped waiting"  # a request's abort() said so (never shown: the caller says why)
ABORT_POLL_SECONDS = 0.1  # how often a request that can be aborted asks


class WorkerFailure(Exception):
    """The worker hung, died or sent garbage: the student's code broke it.

    ``str()`` is the English reason; ``translated()`` the same in the course's language (``autograder.messages``)."""

    def __init__(self, message, **fields):
        super().__init__(message.format(**fields))
        self.message, self.fields = message, fields

    def translated(self):
        return _(self.message).format(**self.fields)


# why the process running a student's code died, by signal (the English of each is the reason before translation)
DIED = N_("the process running your code died ({signal})")
DIED_OF = {"SIGKILL": N_("the process running your code died (killed, most likely for using too much memory)"),
           "SIGSEGV": N_("the process running your code died (a segmentation fault)"),
           "SIGXCPU": N_("the process running your code died (over the CPU time limit)"),
           "SIGXFSZ": N_("the process running your code died (wrote a file over the size limit)")}


class WorkerProcess:
    """One running worker. ``launcher`` turns (worker script, scratch dir) into a command."""

    def __init__(self, launcher):
        self.launcher = launcher
        self._buffer = bytearray()
        zygote = launcher.zygote() if getattr(launcher, "warm", False) else None
        if zygote is not None:
            # forked by the warm sandbox: a ZygoteChild, speaking wire over its socket
            self.scratch = zygote.new_child_dir()
            (self.scratch / "work").mkdir()
            self.proc = zygote.spawn("worker", self.scratch, self.scratch / "work")
            self._fd_in = self._fd_out = self.proc.sock.fileno()
        else:
            self.scratch = Path(tempfile.mkdtemp(prefix="rnn-course-worker-"))
            bundle = self.scratch / "grader"
            bundle.mkdir()
            for name in WORKER_FILES:
                shutil.copy(HERE / name, bundle / name)
            (self.scratch / "work").mkdir()
            argv, kwargs = launcher.command(bundle / "worker.py", self.scratch / "work")
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True, **kwargs)
            self._fd_in, self._fd_out = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        os.set_blocking(self._fd_in, False)
        os.set_blocking(self._fd_out, False)
        self._readable = select.poll()
        self._readable.register(self._fd_in, select.POLLIN | select.POLLHUP | select.POLLERR)

    def request(self, header, tensors, timeout, answer=None, abort=None, record=None):
        """Send one request; return (header, tensors) or raise WorkerFailure.

        answer(header, tensors) -> (header, tensors): answers the questions (``"callback"``) the worker asks while
        it works on the request; all of them count against the request's ``timeout``.
        abort() -> bool: asked while waiting; True stops the worker and raises WorkerFailure(STOPPED_WAITING).
        record: a dict that keeps {wire.digest of each question: the packed answer sent} (the reference's run)."""
        deadline = time.monotonic() + timeout
        data = wire.pack(header, tensors)
        while True:
            try:
                self._send(wire.frame(data), deadline)
            except (BrokenPipeError, ConnectionError, OSError):
                raise self._death() from None
            try:
                (size,) = struct.unpack("<Q", self._read_exact(8, deadline, abort))
                if size > wire.MAX_MESSAGE_BYTES:
                    raise WorkerFailure(N_("your code sent back {size} bytes, over the {limit} byte limit"), size=size,
                                        limit=wire.MAX_MESSAGE_BYTES)
                frame = self._read_exact(size, deadline)
                reply, reply_tensors = wire.unpack_header(frame)
            except wire.WireError as exc:
                raise WorkerFailure(N_("the grading process received a corrupt reply ({error})"), error=exc) from None
            if "callback" not in reply:
                return reply, reply_tensors
            if answer is None:
                raise WorkerFailure(N_("the grading process asked a question nobody answers"))
            data = wire.pack(*answer(reply, reply_tensors))
            if record is not None:
                record[wire.digest(frame)] = data

    def _send(self, data, deadline):
        view = memoryview(data)
        with selectors.DefaultSelector() as sel:
            sel.register(self._fd_out, selectors.EVENT_WRITE)
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    raise WorkerFailure("timeout")
                if not sel.select(remaining):
                    continue
                try:
                    sent = os.write(self._fd_out, view[: 1 << 20])
                except BlockingIOError:
                    continue
                view = view[sent:]

    def sandbox_lost(self):
        """True if the warm sandbox this worker was forked from died (the grader's failure, not the student's)."""
        zygote = getattr(self.proc, "zygote", None)
        return zygote is not None and not zygote.alive()

    def _read_exact(self, n, deadline, abort=None):
        fd = self._fd_in
        while len(self._buffer) < n:
            try:  # read first: a reply usually arrives in one piece, and then no poll is needed
                chunk = os.read(fd, max(n - len(self._buffer), 1 << 16))
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    raise WorkerFailure("timeout") from None
                if abort is not None and abort():
                    self.kill()
                    raise WorkerFailure(STOPPED_WAITING) from None
                self._readable.poll((remaining if abort is None else min(remaining, ABORT_POLL_SECONDS)) * 1000)
                continue
            if not chunk:
                raise self._death()
            self._buffer += chunk
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def _death(self):
        """The WorkerFailure that says why the worker is gone."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return WorkerFailure(N_("the grading process stopped answering"))
        self.kill()
        # a signal arrives as -N from a direct child, or as 128 + N through bubblewrap's init
        number = -code if code < 0 else code - 128 if code > 128 and code - 128 in _SIGNALS else None
        if number is not None:
            name = signal.Signals(number).name
            return WorkerFailure(DIED_OF[name]) if name in DIED_OF else WorkerFailure(DIED, signal=name)
        return WorkerFailure(N_("the process running your code exited with status {code} (did your code call "
                                "exit()?)"), code=code)

    def kill(self):
        """Kill the worker and everything it started; remove its scratch folder."""
        if isinstance(self.proc, subprocess.Popen):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        else:
            self.proc.kill()  # the zygote kills the child's PID namespace
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if not isinstance(self.proc, subprocess.Popen):
            self.proc.close()
        self.launcher.cleanup(self.scratch)
        shutil.rmtree(self.scratch, ignore_errors=True)

