"""How a worker process is started: plainly (insecure) or inside bubblewrap.

A launcher returns the command line and ``subprocess.Popen`` keyword arguments
for running the worker script with a scratch folder as its working directory.
"""
import os
import resource
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Resource limits for every process that runs student code."""
    memory_bytes: int = 6 * 2**30  # address space; torch alone maps ~1.5 GiB
    cpu_seconds: int = 300
    file_bytes: int = 64 * 2**20
    open_files: int = 256
    tmp_bytes: int = 256 * 2**20  # the sandbox's /tmp is memory (tmpfs), outside the address-space limit

    def apply(self):
        """Called in the child between fork and exec."""
        for limit, value in ((resource.RLIMIT_AS, self.memory_bytes), (resource.RLIMIT_CPU, self.cpu_seconds),
                             (resource.RLIMIT_FSIZE, self.file_bytes), (resource.RLIMIT_NOFILE, self.open_files),
                             (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))


STUDENT_PACKAGES = ("course_data",)  # what students install too (handed out with the notebooks)


def student_packages():
    """{name: folder} of the student-safe packages, as this (the grader's) process imports them."""
    import importlib.util
    found = {}
    for name in STUDENT_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found[name] = Path(list(spec.submodule_search_locations)[0]).resolve()
    return found


def clean_environment(home, pythonpath=None):
    """The environment student code sees: nothing of the grader's (but where the student-safe packages are)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    # nbgrader's NBGRADER_EXECUTION=autograde tells a notebook it is being graded (it skips training): the one
    # thing it may know of the grader
    if "NBGRADER_EXECUTION" in os.environ:
        env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
    return env


class Unsandboxed:
    """Runs the worker as a plain child process with rlimits. It can read the
    course folder and reach the network: only for development, never for grades
    that matter. Reports say so."""

    insecure = True
    name = "none (INSECURE)"

    def __init__(self, limits=Limits(), python=sys.executable):
        self.limits = limits
        self.python = python

    def command(self, script, workdir):
        # the student-safe packages the grader imports, linked into a folder of their own (not the course folder)
        library = Path(workdir).parent / "lib"
        library.mkdir(exist_ok=True)
        for name, folder in student_packages().items():
            (library / name).symlink_to(folder, target_is_directory=True)
        return [self.python, "-I", str(script)], {
            "cwd": str(workdir), "env": clean_environment(workdir, pythonpath=library), "preexec_fn": self.limits.apply}

    def cleanup(self, scratch):
        pass


class SandboxUnavailable(RuntimeError):
    """No sandbox can be started here, and grading without one was not allowed."""


def choose_launcher(kind="bubblewrap", allow_insecure=False, limits=Limits(), warm=False):
    """The launcher for ``kind``; fails closed unless ``allow_insecure``. ``warm``: fork from a warm sandbox."""
    if kind == "bubblewrap":
        from .bubblewrap import Bubblewrap, bubblewrap_problem
        problem = bubblewrap_problem()
        if problem is None:
            return Bubblewrap(limits, warm=warm)
        if not allow_insecure:
            raise SandboxUnavailable(
                f"cannot sandbox student code: {problem}. Install bubblewrap (apt-get install bubblewrap), "
                "or pass --insecure to grade without a sandbox (never for real grades).")
        return Unsandboxed(limits)
    if kind == "none":
        if not allow_insecure:
            raise SandboxUnavailable("sandbox 'none' needs allow_insecure=True (the --insecure flag)")
        return Unsandboxed(limits)
    raise ValueError(f"unknown sandbox {kind!r}: use 'bubblewrap' or 'none'")
