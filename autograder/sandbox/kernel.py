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
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, Int

from .bubblewrap import Bubblewrap, inside

MAX_COPY_BYTES = 200 * 2**20


class SandboxedKernelManager(AsyncKernelManager):
    launcher = Any(None, help="a Bubblewrap launcher; None means a default one").tag(config=True)
    max_copy_bytes = Int(MAX_COPY_BYTES, help="largest submission folder copied into the sandbox").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sandbox_dir = Path(tempfile.mkdtemp(prefix="rnn-course-kernel-"))
        (self.sandbox_dir / "ipc").mkdir()
        (self.sandbox_dir / "work").mkdir()
        self.transport = "ipc"
        self.ip = str(self.sandbox_dir / "ipc" / "kernel")
        self.connection_file = str(self.sandbox_dir / "ipc" / "kernel.json")
        self._launcher = self.launcher or Bubblewrap()

    async def _async_pre_start_kernel(self, **kw):
        source = kw.get("cwd")
        workdir = self.sandbox_dir / "work"
        if source:
            _copy_small_tree(Path(source), workdir, self.max_copy_bytes)
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        ipc_dir = str(self.sandbox_dir / "ipc")
        # `setsid -w`: ipykernel answers an interrupt_request with killpg(its group, SIGINT); in its own
        # group that reaches only the kernel, not bubblewrap's init (whose death would end the sandbox).
        kernel_cmd = [inside(kernel_cmd[0]), *kernel_cmd[1:]]
        argv, popen = self._launcher.command_for(["setsid", "-w", *kernel_cmd], workdir,
                                                 ["--bind", ipc_dir, ipc_dir])
        kw.update(popen)
        kw["cwd"] = str(workdir)
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # the kernel's banner is not the grader's output
        return argv, kw

    async def _async_interrupt_kernel(self):
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel  # the base class binds its own function by name

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._launcher.cleanup(self.sandbox_dir)
            shutil.rmtree(self.sandbox_dir, ignore_errors=True)


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
