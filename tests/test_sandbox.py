"""Hostile and broken w01_rnn submissions graded through the sandboxed worker:
each loses only what it breaks, with a clear reason, and cannot buy points."""
import threading

import pytest

import solutions.w01_rnn
from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells, solution_sources
from autograder.runner import forbidden_patterns, run_checks
from autograder.sandbox.launchers import Limits, SandboxUnavailable, choose_launcher

WEEK = "w01_rnn"
pytestmark = [pytest.mark.slow]


def grade(replacements, extra_cell=None, call_timeout=3.0, every_check=False, cell_timeout=10):
    cells = reference_cells(WEEK, replacements)
    if extra_cell:
        cells.append(("extra", extra_cell))
    launcher = choose_launcher("bubblewrap", limits=Limits(memory_bytes=4 * 2**30, cpu_seconds=60), warm=True)
    impl = SandboxedImplementation(cells, forbidden_patterns(WEEK), launcher, call_timeout=call_timeout,
                                   cell_timeout=cell_timeout)
    try:
        return run_checks(WEEK, impl, every_check=every_check)
    finally:
        impl.close()


def scores(results):
    return {item: r.passed for item, r in results.items()}


ALL = {"rnn_cell": True, "RNNCell": True, "rnn_forward": True, "hidden_grad_norms": True, "clip_grad_norm": True}


def test_endless_loop_in_one_function_loses_only_that_item():
    results = grade({"clip_grad_norm": "def clip_grad_norm(parameters, max_norm):\n    while True:\n        pass"})
    assert scores(results) == {**ALL, "clip_grad_norm": False}
    assert "did not finish within 3 s" in results["clip_grad_norm"].feedback


def test_per_check_an_endless_loop_is_waited_for_once():
    """Partial credit runs every check of an item, but not the checks after one that was stopped: they would only
    wait for the time limit again."""
    results = grade({"clip_grad_norm": "def clip_grad_norm(parameters, max_norm):\n    while True:\n        pass"},
                    every_check=True)
    outcomes = [c.outcome for c in results["clip_grad_norm"].checks]
    assert outcomes[0] == "failed" and set(outcomes[1:]) == {"skipped"}, outcomes
    assert results["clip_grad_norm"].earned(2, per_check=True) == 0
    assert all(results[item].passed for item in ALL if item != "clip_grad_norm")


def test_exit_in_a_function_is_reported_and_contained():
    results = grade({"rnn_forward": "def rnn_forward(cell, xs, h0=None):\n    import os\n    os._exit(3)"})
    assert scores(results) == {**ALL, "rnn_forward": False}
    assert "exited with status 3" in results["rnn_forward"].feedback


def test_answer_cell_that_hangs_at_import_time_loses_only_its_items():
    # a sleeping cell uses no CPU time: the wall-clock backstop (2 x 4 s + 5 s) stops it
    results = grade({"hidden_grad_norms": "import time\ntime.sleep(1000)\ndef hidden_grad_norms(cell, xs):\n    pass"},
                    cell_timeout=4)
    assert scores(results) == {**ALL, "hidden_grad_norms": False}
    assert "not defined" in results["hidden_grad_norms"].feedback


def test_a_cell_the_kernel_stopped_meanwhile_is_no_longer_waited_for():
    """The notebook's kernel runs beside the checks (StartHiddenChecks) and stops a sleeping answer cell at its time
    limit: the worker stops waiting for the same cell then, and the cell fails with the kernel's reason, not after
    the worker's own backstop (2 x 60 s + 5 s here) with its own."""
    cells = reference_cells(WEEK, {"hidden_grad_norms": "import time\ntime.sleep(1000)\n"
                                                         "def hidden_grad_norms(cell, xs):\n    pass"})
    kernel_stopped = {"type": "CellFailure", "fatal": True, "traceback": "", "message": "stopped by the kernel"}
    stopped = {}
    impl = SandboxedImplementation(cells, forbidden_patterns(WEEK), choose_launcher("bubblewrap", warm=True), call_timeout=3,
                                   cell_timeout=60, stopped=stopped)
    threading.Timer(1.0, stopped.update, [{"hidden_grad_norms": kernel_stopped}]).start()
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    assert scores(results) == {**ALL, "hidden_grad_norms": False}
    assert impl.cell_errors == {"hidden_grad_norms": kernel_stopped}


def test_patching_torch_in_the_worker_cannot_fool_the_checks():
    # a wrong rnn_cell plus every comparison function patched to always pass
    patched = ("import torch, numpy\n"
               "torch.allclose = lambda *a, **k: True\n"
               "torch.testing.assert_close = lambda *a, **k: None\n"
               "numpy.testing.assert_allclose = lambda *a, **k: None\n"
               "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):\n"
               "    return torch.zeros(x.shape[0], weight_ih.shape[0], dtype=x.dtype)\n")
    results = grade({"rnn_cell": patched})
    assert not results["rnn_cell"].passed
    assert "wrong values" in results["rnn_cell"].feedback


def test_the_course_folder_and_solutions_are_invisible():
    sneaky = ("def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):\n"
              "    import solutions.w01_rnn as s\n"
              "    return s.rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh)\n")
    results = grade({"rnn_cell": sneaky})
    assert not results["rnn_cell"].passed
    assert "ModuleNotFoundError" in results["rnn_cell"].feedback


def test_a_fake_tensor_is_not_accepted():
    fake = ("class Fake:\n    shape = (1, 1)\n    def __eq__(self, other):\n        return True\n"
            "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):\n    return Fake()\n")
    results = grade({"rnn_cell": fake})
    assert not results["rnn_cell"].passed
    assert "should be a torch.Tensor" in results["rnn_cell"].feedback


def test_memory_bomb_is_stopped():
    bomb = ("def rnn_forward(cell, xs, h0=None):\n    blocks = []\n    while True:\n"
            "        blocks.append(bytearray(2**28))\n")
    results = grade({"rnn_forward": bomb}, call_timeout=20)
    assert scores(results) == {**ALL, "rnn_forward": False}


def test_no_sandbox_refuses_to_grade_unless_insecure_is_explicit():
    with pytest.raises(SandboxUnavailable):
        choose_launcher("none", allow_insecure=False)
    assert choose_launcher("none", allow_insecure=True).insecure


def test_the_sandbox_root_is_read_only_and_its_tmp_is_bounded(tmp_path):
    import subprocess
    import sys

    from autograder.sandbox.bubblewrap import Bubblewrap, bubblewrap_problem
    if bubblewrap_problem():
        pytest.skip(bubblewrap_problem())
    probe = ("import os\n"
             "def attempt(path, size):\n"
             "    try:\n"
             "        with open(path, 'wb') as f:\n"
             "            f.write(b'0' * size)\n"
             "        return 'ok'\n"
             "    except OSError as e:\n"
             "        return os.strerror(e.errno)\n"
             "print(attempt('/planted', 10), attempt('/tmp/small', 10), attempt('/tmp/huge', 3 * 2**20),"
             " attempt('scratch.txt', 10), sep='|')\n")
    launcher = Bubblewrap(Limits(tmp_bytes=2**20))
    command = launcher.wrap([sys.executable, "-I", "-c", probe], tmp_path)
    out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().split("|") == ["Read-only file system", "ok", "No space left on device", "ok"], out


# -- error carried forward: the grader's stand-in for an item another builds on --------------------------------

PROBE_THE_STAND_IN = '''
import gc, inspect, sys


def leaks(stand_in):
    """Whatever the stand-in for rnn_cell lets this process reach that holds the reference or the checks."""
    found = []

    def look(value):
        for read in (repr, inspect.getsource, lambda v: v.__doc__, lambda v: repr(vars(v)),
                     lambda v: repr(getattr(v, "__closure__", None)), lambda v: repr(getattr(v, "__globals__", {}))):
            try:
                found.append(str(read(value)))
            except Exception:
                pass

    look(stand_in)
    for name in dir(stand_in):
        try:
            look(getattr(stand_in, name))
        except Exception:
            pass
    for question in ("call", "vjp", "source"):  # ask the grader itself, for this name and for others
        for name in ("rnn_cell", "RNNCell", "solutions", "test_rnncell_matches_nn_rnncell"):
            try:
                found.append(repr(type(stand_in)(getattr(stand_in, "worker", None), name).ask(question, [], {})))
            except Exception as exc:
                found.append(str(exc))
    found += [repr(o) for o in gc.get_objects() if inspect.isfunction(o) and "solutions" in str(o.__module__)]
    found += [name for name in sys.modules if name.startswith(("solutions", "autograder"))]
    found = [f for f in found if "SECRET-CANARY" in f or f.startswith(("solutions", "autograder", "<function"))]
    return [f[max(0, f.find("SECRET-CANARY") - 60):][:120] for f in found]
'''


def secret_reference_rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """SECRET-CANARY: the reference rnn_cell, as the grader holds it."""
    canary = "SECRET-CANARY"  # noqa: F841 (in the source and the code object)
    return solutions.w01_rnn.__dict__["_secret_original"](x, h, weight_ih, weight_hh, bias_ih, bias_hh)


def probing_rnncell():
    """The reference RNNCell, which first searches everything the stand-in for rnn_cell reaches for the reference's
    source and the hidden checks, and fails with what it found."""
    source = solution_sources(WEEK)["RNNCell"]
    probe = ("        found = leaks(rnn_cell)\n"
             "        if found:\n"
             "            raise RuntimeError('LEAKED: ' + ' | '.join(found)[:400])\n")
    marker = "    def forward(self, x, h=None):\n"
    return PROBE_THE_STAND_IN + "\n\n" + source.replace(marker, marker + probe)


@pytest.fixture
def secret_reference(monkeypatch):
    monkeypatch.setitem(solutions.w01_rnn.__dict__, "_secret_original", solutions.w01_rnn.rnn_cell)
    monkeypatch.setattr(solutions.w01_rnn, "rnn_cell", secret_reference_rnn_cell)


def test_the_callback_to_the_reference_hands_out_results_only(secret_reference):
    """RNNCell is checked with the grader's rnn_cell; everything the student's RNNCell can reach from it, or ask
    the grader through it, holds no reference source, no check and no grader module."""
    results = grade({"RNNCell": probing_rnncell()})
    assert results["RNNCell"].passed, results["RNNCell"].feedback


def test_the_probe_finds_the_reference_where_it_is_reachable(secret_reference):
    """The check of the check: graded in this process (as only the reference and the tests are), the stand-in is
    the reference function itself, and the same probe finds it."""
    impl = LocalImplementation.from_source(reference_cells(WEEK, {"RNNCell": probing_rnncell()}),
                                           forbidden_patterns(WEEK))
    results = run_checks(WEEK, impl, items=["RNNCell"])
    assert not results["RNNCell"].passed
    assert "LEAKED" in results["RNNCell"].feedback and "SECRET-CANARY" in results["RNNCell"].feedback
