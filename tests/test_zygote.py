"""Red team of the warm sandbox (the zygote that forks every kernel and worker): what a fork server opens.

Two children of one zygote are alive at once, A and B, as a kernel and a worker (or two submissions on a shared
machine) would be. A tries what the issue lists: read the zygote's memory or environment, signal or trace the
zygote or B, use an inherited descriptor, predict B's random numbers, fill the shared /tmp; and the zygote is
killed in the middle of a batch.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder.implementation import SandboxedImplementation
from autograder.notebooks import reference_cells, weeks
from autograder.runner import grade_cells
from autograder.samples import samples
from autograder.sandbox.bubblewrap import Bubblewrap, bubblewrap_problem
from autograder.sandbox.client import WorkerProcess
from autograder.sandbox.launchers import Limits
from autograder.sandbox import zygote as zygote_module
from autograder.sandbox.zygote import shared_zygote
from autograder.submitted_files import SubmittedFiles

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bubblewrap_problem() is not None, reason="no bubblewrap")]
SECRET = "rnn-course-grader-secret-4f1c"
LIMITS = Limits(memory_bytes=4 * 2**30, cpu_seconds=60, tmp_bytes=8 * 2**20)

PROBE = r'''
import ctypes, os, random, signal, socket
import torch

DRAWS = (torch.rand(4).tolist(), random.random())

def own_folder():
    return sorted(os.listdir(os.getcwd())), sorted(os.listdir(os.path.dirname(os.getcwd()))), os.getpid()

def plant(name):
    open(os.path.join("/tmp", name), "w").write("mine")
    open(name, "w").write("mine")
    return True

def visible_files():
    seen = []
    for top in ("/tmp", os.path.dirname(os.path.dirname(os.getcwd()))):
        for folder, _, files in os.walk(top):
            seen += [os.path.join(folder, f) for f in files]
    return seen

def others():
    me = os.readlink("/proc/self")
    return [p for p in os.listdir("/proc") if p.isdigit() and p != me]

def attack():
    """Everything that would reach the zygote or a sibling: what succeeded."""
    got = []
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in others():
        for what in ("environ", "mem", "maps"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as f:
                    if f.read(1 << 16):
                        got.append(f"read /proc/{pid}/{what}")
            except OSError:
                pass
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"SECRET_MARK" in f.read():
                    got.append(f"secret in /proc/{pid}/cmdline")
        except OSError:
            pass
        if int(pid) not in (1, os.getpid()):  # numbers in its own PID namespace: 1 is its init, getpid() itself
            try:
                os.kill(int(pid), signal.SIGKILL)
                got.append(f"killed {pid}")
            except OSError:
                pass
            if libc.ptrace(16, int(pid), None, None) == 0:  # PTRACE_ATTACH
                got.append(f"traced {pid}")
    targets = []
    for name in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{name}"))
        except OSError:
            pass
    got += [f"descriptor to {t}" for t in targets if "zygote" in t]
    sockets = {t for t in targets if t.startswith("socket:")}
    if len(sockets) > 1:
        got.append(f"more sockets than its own connection: {sorted(sockets)}")
    for path in ("/tmp", os.path.dirname(os.path.dirname(os.getcwd()))):
        for entry in os.listdir(path):
            if entry.endswith(".sock"):
                got.append(f"sees {entry}")
    return got

def fill_tmp():
    written = 0
    try:
        with open("/tmp/filler", "wb") as f:
            while written < 1 << 30:
                f.write(b"0" * (1 << 20))
                f.flush()
                written += 1 << 20
    except OSError as exc:
        return written, os.strerror(exc.errno)
    return written, "no limit"

def write_tmp(name):
    with open(os.path.join("/tmp", name), "wb") as f:
        f.write(b"0" * 1000)
    return os.path.getsize(os.path.join("/tmp", name))

def alive():
    return "alive"
'''

PROBE = PROBE.replace('b"SECRET_MARK"', repr(SECRET.encode()))


def crash(zygote):
    """Kill the zygote as a crash would (its bubblewrap process, which takes it and its children down)."""
    os.kill(zygote.pid, signal.SIGKILL)
    while zygote.running():
        time.sleep(0.01)


@pytest.fixture
def launcher(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_GRADER_SECRET", SECRET)  # in the grader's environment: never in the sandbox
    return Bubblewrap(LIMITS, warm=True)


@pytest.fixture
def pair(launcher):
    """Two children of one zygote, alive at the same time."""
    a = SandboxedImplementation([("probe", PROBE)], [], launcher, call_timeout=30)
    b = SandboxedImplementation([("probe", PROBE)], [], launcher, call_timeout=30)
    assert a.alive() == b.alive() == "alive", (a.cell_errors, b.cell_errors)
    yield a, b
    a.close()
    b.close()


def test_each_child_sees_only_its_own_folder_and_tmp(pair):
    a, b = pair
    a.plant("from-a")
    files, folders, pid = b.own_folder()
    assert files == [] and folders == ["work"] and pid == 2  # in its own PID namespace, under its init
    assert not [f for f in b.visible_files() if "from-a" in f]
    assert [f for f in a.visible_files() if "from-a" in f]


def test_a_child_cannot_read_signal_or_trace_the_zygote_or_a_sibling(pair, launcher):
    a, b = pair
    assert a.attack() == []
    assert b.alive() == "alive" and shared_zygote(launcher).alive()


def test_a_child_cannot_predict_its_siblings_random_numbers(pair):
    a, b = pair
    assert a.DRAWS != b.DRAWS


def test_filling_tmp_stops_at_its_limit_and_leaves_the_sibling_alone(pair):
    a, b = pair
    written, why = a.fill_tmp()
    assert why == "No space left on device" and written <= LIMITS.tmp_bytes
    assert b.write_tmp("small") == 1000


def test_the_zygote_holds_no_grader_secret(launcher):
    zygote = shared_zygote(launcher)
    family, todo = [], [zygote.pid]  # bubblewrap and everything below it
    while todo:
        pid = todo.pop()
        family.append(pid)
        for task in os.listdir(f"/proc/{pid}/task"):
            todo += [int(c) for c in open(f"/proc/{pid}/task/{task}/children").read().split()]
    assert len(family) >= 2
    for pid in family:
        try:
            environ = open(f"/proc/{pid}/environ", "rb").read()
        except ProcessLookupError:  # a child that ended meanwhile
            continue
        assert SECRET.encode() not in environ


def test_killing_the_zygote_mid_batch_loses_no_grade(launcher, monkeypatch):
    """The zygote dies while a submission is being checked: the submission is graded again, from a new one."""
    week = "w01_rnn"
    cells = reference_cells(week)
    zygote = shared_zygote(launcher)
    requests, request = [], WorkerProcess.request

    def killing_the_zygote_at_the_100th_request(self, *args, **kwargs):
        requests.append(args[0].get("op"))
        if len(requests) == 100:
            crash(zygote)
        return request(self, *args, **kwargs)

    monkeypatch.setattr(WorkerProcess, "request", killing_the_zygote_at_the_100th_request)
    results, errors = grade_cells(week, cells, launcher, call_timeout=10, cell_timeout=60,
                                  files=SubmittedFiles.reference(week))
    assert len(requests) > 100, "the zygote was killed while the submission was graded"
    assert not zygote.alive() and shared_zygote(launcher) is not zygote, "a new zygote took over"
    assert all(r.passed for r in results.values()), {i: r.feedback for i, r in results.items() if not r.passed}
    assert errors == {}
    # and the next submission of the batch is graded by the new zygote
    again, _ = grade_cells(week, cells, launcher, 10, 60, SubmittedFiles.reference(week))
    assert all(r.passed for r in again.values())


def test_grading_processes_share_the_machines_zygote_which_leaves_once_idle(monkeypatch):
    """The next grading process (a new interpreter, as the next `nbgrader autograde` is) finds the zygote running and
    forks from it; the zygote stays while a child lives, leaves by itself once idle, and the next process starts one."""
    monkeypatch.setenv(zygote_module.SCOPE_VARIABLE, f"idle-{os.getpid()}")
    monkeypatch.setattr(zygote_module, "IDLE_SECONDS", 2.0)
    launcher = Bubblewrap(LIMITS, warm=True)
    mine = shared_zygote(launcher)
    code = ("from autograder.sandbox.bubblewrap import Bubblewrap\n"
            "from autograder.sandbox.launchers import Limits\n"
            "from autograder.sandbox.zygote import shared_zygote\n"
            f"print(shared_zygote(Bubblewrap({LIMITS!r}, warm=True)).spool)\n")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert other.stdout.strip() == str(mine.spool), other.stderr
    child = SandboxedImplementation([("probe", PROBE)], [], launcher, call_timeout=30)
    assert child.alive() == "alive"
    time.sleep(3)
    assert mine.alive(), "it left with a child alive"
    child.close()
    deadline = time.monotonic() + 30
    while mine.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not mine.running(), "it did not leave once idle"
    again = shared_zygote(launcher)
    assert again.spool != mine.spool and again.alive()
    again.stop()
    assert not again.running() and not again.spool.exists()


FORGETFUL_GRADERS = {
    "kernel": """
import asyncio, os
from autograder.sandbox.bubblewrap import Bubblewrap
from autograder.sandbox.kernel import SandboxedKernelManager
from autograder.sandbox.launchers import Limits

async def main():
    manager = SandboxedKernelManager(kernel_name="python3", launcher=Bubblewrap(LIMITS, warm=True))
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    print(manager.provisioner.process.pid, flush=True)
    os._exit(0)  # ends without shutting its kernel down

asyncio.run(main())
""",
    "worker in an endless loop": """
import os, threading, time
from autograder.implementation import SandboxedImplementation
from autograder.sandbox.bubblewrap import Bubblewrap
from autograder.sandbox.launchers import Limits

impl = SandboxedImplementation([("spin", "def spin():\\n    while True:\\n        pass")], [],
                               Bubblewrap(LIMITS, warm=True), call_timeout=60)
threading.Thread(target=impl.spin, daemon=True).start()
time.sleep(1)
print(impl._worker.proc.pid, flush=True)
os._exit(0)  # ends while its worker runs the student's loop
""",
}


@pytest.mark.parametrize("child", FORGETFUL_GRADERS)
def test_a_child_whose_grader_ended_without_stopping_it_leaves(launcher, child):
    """The zygote outlives every grader: a kernel or worker a grader left behind must not run on (nor keep the
    zygote from leaving)."""
    code = FORGETFUL_GRADERS[child].replace("LIMITS", repr(LIMITS))
    grader = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    pid = int(grader.stdout.split()[-1])
    zygote = shared_zygote(launcher)
    deadline = time.monotonic() + 30
    while zygote._ask({"kind": "status", "pid": pid})["status"] is None:
        assert time.monotonic() < deadline, f"the {child} still runs"
        time.sleep(0.05)


def _spawn_in_a_forked_process(launcher, queue):
    """In a process forked from the grader (as a pool worker is): which zygote forks its worker, and does it run?"""
    impl = SandboxedImplementation([("probe", PROBE)], [], launcher, call_timeout=30)
    try:
        queue.put((str(shared_zygote(launcher).spool), impl.alive()))
    finally:
        impl.close()


def in_a_forked_process(launcher):
    import multiprocessing
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_spawn_in_a_forked_process, args=(launcher, queue))
    process.start()
    answer = queue.get(timeout=120)
    process.join(timeout=60)
    return answer


def test_a_forked_grading_process_uses_its_parents_zygote_or_its_own_once_that_died(launcher):
    zygote = shared_zygote(launcher)
    assert in_a_forked_process(launcher) == (str(zygote.spool), "alive")  # no second warm sandbox to start
    assert zygote.alive(), "the forked process left the zygote running"
    crash(zygote)
    spool, alive = in_a_forked_process(launcher)
    assert spool != str(zygote.spool) and alive == "alive"


def two_wrong_samples(week):
    """The week's first wrong sample, and its first that uses a forbidden built-in (else its second)."""
    wrong = [s for s in samples(week) if not s.correct]
    forbidden = [s for s in wrong if s.title.lower().startswith("forbidden") or "built-in" in s.title]
    first = next(s for s in wrong if s not in forbidden)
    return [first, (forbidden or [s for s in wrong if s is not first])[0]]


WEEK_SAMPLES = [pytest.param(week, sample, id=f"{week}-{sample.name}") for week in weeks()
                for sample in two_wrong_samples(week)]


@pytest.mark.parametrize("week, sample", WEEK_SAMPLES)
def test_warm_and_cold_sandboxes_give_the_same_verdicts_and_feedback(week, sample):
    """Today's path (a fresh sandbox per worker) and the warm one, on two wrong samples of every week (one that uses
    a forbidden built-in where the week has one): the same feedback, word for word."""
    cells = reference_cells(week, sample.definitions)
    graded = {}
    for warm in (False, True):
        results, errors = grade_cells(week, cells, Bubblewrap(warm=warm), 10, 10, SubmittedFiles.reference(week))
        graded[warm] = ({item: r.feedback for item, r in results.items()}, errors)
    assert graded[True] == graded[False]
    failed = {item for item, text in graded[True][0].items() if " 0 of " in text or "FAIL" in text}
    assert set(sample.expect) <= failed
