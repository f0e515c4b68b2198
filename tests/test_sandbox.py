"""Hostile and broken w01_rnn submissions graded through the sandboxed worker:
each loses only what it breaks, with a clear reason, and cannot buy points."""
import pytest

from autograder.implementation import SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import forbidden_patterns, run_checks
from autograder.sandbox.launchers import Limits, SandboxUnavailable, choose_launcher

WEEK = "w01_rnn"
pytestmark = [pytest.mark.slow]


def grade(replacements, extra_cell=None, call_timeout=3.0):
    cells = reference_cells(WEEK, replacements)
    if extra_cell:
        cells.append(("extra", extra_cell))
    launcher = choose_launcher("bubblewrap", limits=Limits(memory_bytes=4 * 2**30, cpu_seconds=60))
    impl = SandboxedImplementation(cells, forbidden_patterns(WEEK), launcher, call_timeout=call_timeout,
                                   cell_timeout=10)
    try:
        return run_checks(WEEK, impl)
    finally:
        impl.close()


def scores(results):
    return {item: r.passed for item, r in results.items()}


ALL = {"rnn_cell": True, "RNNCell": True, "rnn_forward": True, "hidden_grad_norms": True, "clip_grad_norm": True}


def test_endless_loop_in_one_function_loses_only_that_item():
    results = grade({"clip_grad_norm": "def clip_grad_norm(parameters, max_norm):\n    while True:\n        pass"})
    assert scores(results) == {**ALL, "clip_grad_norm": False}
    assert "did not finish within 3 s" in results["clip_grad_norm"].feedback


def test_exit_in_a_function_is_reported_and_contained():
    results = grade({"rnn_forward": "def rnn_forward(cell, xs, h0=None):\n    import os\n    os._exit(3)"})
    assert scores(results) == {**ALL, "rnn_forward": False}
    assert "exited with status 3" in results["rnn_forward"].feedback


def test_answer_cell_that_hangs_at_import_time_loses_only_its_items():
    results = grade({"hidden_grad_norms": "import time\ntime.sleep(1000)\ndef hidden_grad_norms(cell, xs):\n    pass"})
    assert scores(results) == {**ALL, "hidden_grad_norms": False}
    assert "not defined" in results["hidden_grad_norms"].feedback


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
