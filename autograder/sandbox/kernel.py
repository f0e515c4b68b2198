"""A Jupyter kernel manager that starts every kernel inside the sandbox.

Used by ``SandboxedExecute`` (``autograder.preprocessors``) so that nbgrader's
execution of a submission runs where it cannot read the course folder, write
the gradebook, reach the network, or outlive its notebook. What it needs to
work in bubblewrap:

- ZeroMQ over ``ipc`` (Unix sockets in a folder bound into the sandbox), since
  the sandbox has no network to share TCP ports through;
- no ``JPY_PARENT_PID``: the kernel would watch a PID that does not exist in
  its PID namespace and exit (bubblewrap's ``--clearenv`` drops it);
- interrupts as ``interrupt_request`` messages (a SIGINT would reach
  bubblewrap, not the kernel), with the kernel in a process group of its own;
- the kernel's working folder is a scratch copy of the submission folder.
"""
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Any, Int

from .bubblewrap import inside

MAX_COPY_BYTES = 200 * 2**20


class SandboxedKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready sooner. Its ``wait_for_ready`` ends by draining IOPub until 0.2 s pass with no
    message, on every kernel start. This one is ready once the reply to kernel_info and the IOPub status "idle" that
    ends the request have arrived: the idle proves IOPub is connected. When IOPub connects only after the kernel
    went idle (the kernel greets each subscriber with "iopub_welcome"), it asks again at once."""

    async def wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            reply = await _answer(self.shell_channel, msg_id, 1.0, "kernel_info_reply")
            if reply is not None and await _answer(self.iopub_channel, msg_id, 0.2, "status", "idle") == "idle":
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


async def _answer(channel, msg_id, wait, msg_type, state=None):
    """The message of ``msg_type`` (and execution ``state``) that answers ``msg_id`` on ``channel``, dropping others;
    "idle" for a status; None after ``wait`` seconds without a message, or when IOPub greets a new subscription."""
    while True:
        try:
            msg = await channel.get_msg(timeout=wait)
        except Empty:
            return None
        if msg["msg_type"] == "iopub_welcome":
            return None
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == msg_type:
            if state is None:
                return msg
            if msg["content"].get("execution_state") == state:
                return state


class SandboxedKernelManager(AsyncKernelManager):
    launcher = Any(None, help="a Bubblewrap launcher; None means a default one").tag(config=True)
    max_copy_bytes = Int(MAX_COPY_BYTES, help="largest submission folder copied into the sandbox").tag(config=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("client_class", "autograder.sandbox.kernel.SandboxedKernelClient")
        super().__init__(**kwargs)
        self._launcher = self.launcher or _configured_launcher(self.config)
        self._zygote = self._launcher.zygote() if getattr(self._launcher, "warm", False) else None
        if self._zygote is not None:
            self.sandbox_dir = self._zygote.new_child_dir()  # the warm sandbox shows the kernel this folder alone
        else:
            self.sandbox_dir = Path(tempfile.mkdtemp(prefix="rnn-course-kernel-"))
        (self.sandbox_dir / "ipc").mkdir()
        (self.sandbox_dir / "work").mkdir()
        self.transport = "ipc"
        self.ip = str(self.sandbox_dir / "ipc" / "kernel")
        self.connection_file = str(self.sandbox_dir / "ipc" / "kernel.json")

    async def _async_pre_start_kernel(self, **kw):
        source = kw.get("cwd")
        workdir = self.sandbox_dir / "work"
        if source:
            _copy_small_tree(Path(source), workdir, self.max_copy_bytes)
        if self._zygote is not None and self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self,
                                                 zygote=self._zygote, child_dir=self.sandbox_dir)
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        kw["cwd"] = str(workdir)
        if self._zygote is not None:
            return kernel_cmd, kw
        ipc_dir = str(self.sandbox_dir / "ipc")
        # `setsid -w`: ipykernel answers an interrupt_request with killpg(its group, SIGINT); in its own
        # group that reaches only the kernel, not bubblewrap's init (whose death would end the sandbox).
        kernel_cmd = [inside(kernel_cmd[0]), *kernel_cmd[1:]]
        argv, popen = self._launcher.command_for(["setsid", "-w", *kernel_cmd], workdir,
                                                 ["--bind", ipc_dir, ipc_dir])
        kw.update(popen)
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # the kernel's banner is not the grader's output
        return argv, kw

    async def _async_interrupt_kernel(self):
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel  # the base class binds its own function by name

    async def _async_wait(self, pollinterval=0.1):
        # jupyter_client polls a stopping kernel every 0.1 s: asking the zygote whether it has gone takes 1 ms
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._launcher.cleanup(self.sandbox_dir)
            shutil.rmtree(self.sandbox_dir, ignore_errors=True)


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked by the warm sandbox (``zygote.py``) instead of
    started by Popen: the same connection file and life cycle, and a kernel whose ``import torch`` is already
    done. Signals go through the zygote (the kernel's pid is the zygote's, not this machine's)."""

    zygote = Any(None)
    child_dir = Any(None)

    async def launch_kernel(self, cmd, **kwargs):
        self.process = self.zygote.spawn("kernel", self.child_dir, cwd=kwargs["cwd"],
                                         connection_file=self.parent.connection_file)
        self.pid, self.pgid, self.cwd = self.process.pid, None, kwargs["cwd"]
        return self.connection_info

    async def send_signal(self, signum):
        if self.process:
            self.process.send_signal(signum)

    async def kill(self, restart=False):
        if self.process:
            self.process.kill()

    async def terminate(self, restart=False):
        await self.kill(restart)

    async def wait(self):
        process = self.process
        ret = await super().wait()
        if process is not None:
            process.close()
        return ret


def _configured_launcher(config):
    from ..preprocessors import Sandbox
    return Sandbox(config=config).launcher()


def _copy_small_tree(source, target, limit):
    """Copy the submission folder: regular files only, notebooks first, up to ``limit`` bytes in all."""
    total = 0
    for path in sorted(source.rglob("*"), key=lambda p: (p.suffix != ".ipynb", str(p))):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        if total + size > limit:
            continue  # left out: the notebook still runs, without the oversized files
        total += size
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
