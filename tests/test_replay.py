"""The fast path of the hidden checks (autograder.replay): hypothesis' examples are recorded by the first run that
passes and replayed for later submissions, with the verdicts and feedback of hypothesis run in full."""
import inspect

import pytest

from autograder.checks.clauses import week_clauses
from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells, weeks
from autograder.replay import ExampleBook
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed
from autograder.submitted_files import SubmittedFiles

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def grade(week, definitions=None, replay=True, items=None):
    impl = LocalImplementation.from_source(reference_cells(week, definitions), forbidden_patterns(week),
                                           SubmittedFiles.reference(week))
    return run_checks(week, impl, items=items, replay=replay)


def feedback(results):
    return {item: r.feedback for item, r in results.items()}


def hypothesis_checks(week):
    module = check_module(week)
    return [name for name, f in vars(module).items()
            if name.startswith("test_") and getattr(f, "is_hypothesis_test", False)]


def draws_in_the_body(week):
    """Checks that draw with st.data() inside their body: their examples depend on the run, so they are not
    replayed."""
    module = check_module(week)
    return [name for name in hypothesis_checks(week)
            if "data.draw" in inspect.getsource(inspect.unwrap(getattr(module, name)))]


@pytest.mark.parametrize("week", ["w01_rnn", "w05_conv1d"])
def test_the_reference_graded_again_replays_every_check(week):
    book = ExampleBook()
    first = grade(week, replay=book)
    replayable = len(hypothesis_checks(week)) - len(draws_in_the_body(week))
    assert book.recorded == len(book.examples) == replayable
    second = grade(week, replay=book)
    assert (book.replayed, book.handed_back) == (replayable, 0)
    assert feedback(second) == feedback(first)
    assert all(r.passed for r in second.values())


@pytest.mark.parametrize("week", weeks())
def test_a_failed_replay_gets_the_feedback_of_hypothesis_in_full(week):
    """Hypothesis finds the failure again from the check's start and shrinks it to the same smallest example."""
    book = ExampleBook()
    grade(week, replay=book)
    replayed = set(hypothesis_checks(week)) - set(draws_in_the_body(week))
    # a sample that breaks a replayed check (not by a forbidden built-in: the guard fails those after a replay)
    name = next(c.sample for c in week_clauses(week) if c.check in replayed and "forbidden" not in c.promise)
    sample = next(s for s in samples(week) if s.name == name)
    fast = grade(week, sample.definitions, replay=book)
    assert book.handed_back >= 1
    assert feedback(fast) == feedback(grade(week, sample.definitions, replay=False))


LOOPS = {
    "always": "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n    while True:\n        pass",
    "on a batch of three": (
        "import torch\n"
        "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n"
        "    while x.shape[0] == 3:\n"
        "        pass\n"
        "    out = x @ weight_ih.T + h @ weight_hh.T\n"
        "    if bias_ih is not None:\n"
        "        out = out + bias_ih + bias_hh\n"
        "    return torch.tanh(out)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_call_that_runs_out_of_time_in_a_replay_gets_the_same_feedback(loop):
    """The worker is stopped on CPU time; after a failed first example the rest of the check fails at once, as in
    hypothesis' own run, and a later example's timeout is judged by hypothesis from the start."""
    week = "w01_rnn"
    book = ExampleBook()
    grade(week, replay=book, items=["rnn_cell"])

    def sandboxed(replay):
        impl = SandboxedImplementation(reference_cells(week, {"rnn_cell": LOOPS[loop]}), forbidden_patterns(week),
                                       Unsandboxed(), call_timeout=1, cell_timeout=10)
        try:
            return run_checks(week, impl, items=["rnn_cell"], replay=replay)["rnn_cell"]
        finally:
            impl.close()

    fast, full = sandboxed(book), sandboxed(False)
    assert not fast.passed and "did not finish within 1 s of CPU time" in fast.feedback
    assert fast.feedback == full.feedback
