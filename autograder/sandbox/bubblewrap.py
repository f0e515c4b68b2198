"""The bubblewrap sandbox for workers and kernels that run student code.

Inside: no network, no other processes (own PID namespace), a read-only view of
the system libraries, the Python installation and the virtual environment, an
empty /tmp, and one writable folder (the submission's scratch copy). The course
folder, ``solutions/``, the hidden checks and the gradebook are simply not
there. rlimits cap memory, CPU time and file size; a ``pids`` cgroup (where the
machine offers one) caps the number of processes, since RLIMIT_NPROC does not
bind root. ``--die-with-parent`` and the PID namespace take every process of
the sandbox down with it (the warm sandbox, shared by a machine's graders, dies
with its own bubblewrap process instead, and each child it forks leaves with
its grader: ``zygote.py``).
"""
import os
import shutil
import sys
import uuid
from pathlib import Path

from .launchers import Limits, clean_environment, student_packages

PIDS_CGROUP_ROOT = Path("/sys/fs/cgroup/pids")
MAX_PROCESSES = 64


def bubblewrap_problem():
    """None if bubblewrap can run here, else the reason it cannot."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    return None


def _system_binds():
    binds = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            binds += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime", "/etc/fonts"):
        if os.path.exists(name):
            binds += ["--ro-bind", name, name]
    return binds


ENV_MOUNT = "/opt/course-env"  # where the virtual environment appears inside: its real path names the course folder


def python_binds(python=sys.executable):
    """Read-only binds for the base Python installation and the virtual environment."""
    binds = []
    base = sorted({sys.base_prefix, str(Path(python).resolve().parent.parent)} - {sys.prefix})
    for prefix in base:
        if not prefix.startswith("/usr"):
            binds += ["--ro-bind", prefix, prefix]
    if sys.prefix != sys.base_prefix:
        binds += ["--ro-bind", sys.prefix, ENV_MOUNT]
    return binds


LIBRARY_MOUNT = "/opt/course-lib"  # the student-safe packages, first on the sandboxed interpreter's path


def student_safe_binds():
    """Read-only binds for the packages students have too (the course's data loaders).

    Each is bound where the sandboxed interpreter finds it first (``LIBRARY_MOUNT``, on its ``PYTHONPATH``), from
    the folder this process imports it from: both sides of the sandbox use the same files, wherever the course
    folder and the installed package are."""
    return [arg for name, folder in student_packages().items()
            for arg in ("--ro-bind", str(folder), f"{LIBRARY_MOUNT}/{name}")]


def inside(path):
    """The path of a file of this Python environment as seen inside the sandbox."""
    path = str(path)
    if sys.prefix != sys.base_prefix and path.startswith(sys.prefix + os.sep):
        return ENV_MOUNT + path[len(sys.prefix):]
    return path


class Bubblewrap:
    """Runs each command in a fresh bubblewrap sandbox; with ``warm``, kernels and workers are forked instead by
    one warm sandbox per process (``zygote.py``), each child isolated as a fresh sandbox would be."""

    insecure = False
    library_path = LIBRARY_MOUNT

    def __init__(self, limits=Limits(), python=sys.executable, warm=False):
        self.limits = limits
        self.python = python
        self.warm = warm
        self.name = "bubblewrap (warm)" if warm else "bubblewrap"
        self._groups = {}  # writable dir -> its pids cgroup

    def identity(self):
        """What a sandbox started by this launcher sees (its binds) and may use (its limits): warm sandboxes with the
        same identity are shared."""
        return self.python, self.limits, _system_binds(), python_binds(self.python), student_safe_binds()

    def zygote(self, wait=True):
        from .zygote import shared_zygote
        return shared_zygote(self, wait=wait)

    def wrap(self, argv, writable_dir, extra_binds=(), die_with_parent=True):
        """Prefix ``argv`` so that it runs in the sandbox with ``writable_dir`` as its home and cwd.

        die_with_parent=False: it outlives the process that starts it (the zygote shared by a machine's graders)."""
        writable_dir = str(writable_dir)
        env = clean_environment(writable_dir, pythonpath=LIBRARY_MOUNT)
        argv = [inside(argv[0]), *argv[1:]]
        # the tmpfs /tmp comes first: a course cloned under /tmp must stay visible through the binds after it
        # --as-pid-1: the sandboxed command is PID 1 inside, so no bubblewrap process there shows its binds
        # (/proc/1/cmdline) or the environment it was started with (/proc/1/environ: JPY_PARENT_PID)
        command = ["bwrap", "--unshare-all", *(["--die-with-parent"] if die_with_parent else []),
                   "--new-session", "--as-pid-1",
                   "--proc", "/proc", "--dev", "/dev", "--size", str(self.limits.tmp_bytes), "--tmpfs", "/tmp",
                   *_system_binds(), *python_binds(self.python), *student_safe_binds(),
                   "--bind", writable_dir, writable_dir, *extra_binds,
                   "--remount-ro", "/",  # the sandbox's own root is a tmpfs: writes go to /tmp or the scratch dir
                   "--chdir", writable_dir, "--clearenv"]
        for key, value in env.items():
            command += ["--setenv", key, value]
        return command + ["--", *argv]

    def command(self, script, workdir):
        bundle = str(Path(script).parent)
        return self.command_for([self.python, "-I", str(script)], workdir, ["--ro-bind", bundle, bundle])

    def command_for(self, argv, workdir, extra_binds=(), die_with_parent=True):
        """(command line, Popen keyword arguments) that run ``argv`` in the sandbox."""
        group = _new_pids_cgroup()
        self._groups[str(workdir)] = group
        # bubblewrap itself is PID 1 inside, and its /proc/1/environ is readable there: give it a clean one too
        return self.wrap(argv, workdir, extra_binds, die_with_parent), {"preexec_fn": lambda: self._enter(group),
                                                                        "env": clean_environment(workdir)}

    def cgroup_of(self, workdir):
        """The pids cgroup the command started for ``workdir`` runs in (None where the machine has none)."""
        return self._groups.get(str(workdir))

    def _enter(self, group):
        self.limits.apply()
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    def cleanup(self, scratch):
        for workdir in [w for w in self._groups if w.startswith(str(scratch))]:
            group = self._groups.pop(workdir)
            if group is not None:
                try:
                    group.rmdir()
                except OSError:
                    pass


def _new_pids_cgroup():
    """A pids cgroup capping processes, or None where cgroups are not writable."""
    if not os.access(PIDS_CGROUP_ROOT, os.W_OK):
        return None
    group = PIDS_CGROUP_ROOT / f"rnn-course-{uuid.uuid4().hex[:12]}"
    try:
        group.mkdir()
        (group / "pids.max").write_text(str(MAX_PROCESSES))
        (group / "notify_on_release").write_text("1")
    except OSError:
        return None
    return group
