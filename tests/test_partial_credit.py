"""Partial credit per check (``c.RunHiddenChecks.scoring = "per_check"``): every check of an item runs, the item
earns the share of its points its passed checks weigh, the blank release still earns nothing, a wrong item never
earns full marks, and nbgrader reads the number ReportCheckResults writes."""
import inspect

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.checks.conftest import item_of, weight_of
from autograder.implementation import LocalImplementation
from autograder.notebooks import reference_cells, solution_sources
from autograder.preprocessors import KEY, ReportCheckResults
from autograder.runner import CheckOutcome, ItemResult, check_module, forbidden_patterns, run_checks, week_items
from autograder.samples import samples
from autograder.submitted_files import SubmittedFiles
from test_checks_of_checks import WEEKS, week_book

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def result(*outcomes_and_weights):
    return ItemResult("rnn_cell", [CheckOutcome(f"check {k}", outcome, weight=weight)
                                   for k, (outcome, weight) in enumerate(outcomes_and_weights)])


def test_an_item_earns_the_weight_of_its_passed_checks():
    r = result(("passed", 1), ("failed", 3), ("passed", 2), ("skipped", 1))
    assert r.earned(7, per_check=True) == 3.0  # 7 * (1 + 2) / 7
    assert r.earned(7) == 0  # all or nothing
    assert r.earned(2, per_check=True) == 0.86  # hundredths of a point
    assert result(("passed", 1), ("passed", 3)).earned(2, per_check=True) == 2
    assert result(("failed", 1), ("skipped", 3)).earned(2, per_check=True) == 0
    assert ItemResult("rnn_cell").earned(2, per_check=True) == 0  # no check ran: nothing earned


def test_feedback_shows_the_points_of_each_check():
    text = result(("passed", 1), ("failed", 3)).scored_feedback(2)
    assert text.splitlines()[:2] == ["rnn_cell: 1 of 2 hidden checks passed: 0.5 of 2 points",
                                     "  [PASS] check 0 (worth 0.5 points)"]
    assert "  [FAIL] check 1 (worth 1.5 points)" in text
    assert "worth" not in result(("passed", 1)).feedback  # all or nothing: no points per check


@pytest.mark.parametrize("week", WEEKS)
def test_every_check_declares_its_item_and_a_positive_weight(week):
    weights = {}
    for name, function in inspect.getmembers(check_module(week), inspect.isfunction):
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "item"]
        if name.startswith("test_"):
            node = _Node(marks[0])
            weights.setdefault(item_of(node), []).append(weight_of(node))
    assert set(weights) == set(week_items(week))
    assert all(w > 0 for ws in weights.values() for w in ws)


def test_a_weight_that_is_not_a_positive_number_is_refused():
    for weight in (0, -1, "3"):
        with pytest.raises(pytest.UsageError, match="weight"):
            weight_of(_Node(pytest.mark.item("rnn_cell", weight=weight).mark))


class _Node:
    """Just enough of a pytest node for item_of and weight_of."""

    def __init__(self, mark):
        self.mark, self.nodeid = mark, "check"

    def get_closest_marker(self, name):
        return self.mark if name == "item" else None


def grade(week, definitions, every_check):
    impl = LocalImplementation.from_source(reference_cells(week, definitions), forbidden_patterns(week),
                                           SubmittedFiles.reference(week))
    return run_checks(week, impl, every_check=every_check, replay=week_book(week))


@pytest.mark.parametrize("week", WEEKS)
def test_the_blank_release_earns_nothing_per_check(week):
    """Every answer cell still raises NotImplementedError, as released: no check passes, no item earns a point."""
    stubs = {name: "raise NotImplementedError('Replace this line with your implementation.')"
             for name in solution_sources(week)}
    results = grade(week, stubs, every_check=True)
    assert {item: r.earned(10, per_check=True) for item, r in results.items()} == dict.fromkeys(week_items(week), 0)


@pytest.mark.parametrize("week", ["w01_rnn", "w02_lstm", "w05_conv1d"])
def test_per_check_runs_every_check_and_a_wrong_item_never_earns_full_marks(week):
    wrong = [s for s in samples(week) if not s.correct][:3]
    for sample in wrong:
        stops = grade(week, sample.definitions, every_check=False)
        every = grade(week, sample.definitions, every_check=True)
        for item in week_items(week):
            assert not any(c.outcome == "skipped" for c in every[item].checks), (sample.name, item)
            # the checks that ran until the first failure give the same verdict in both modes
            ran = [(c.name, c.outcome) for c in stops[item].checks if c.outcome != "skipped"]
            assert [(c.name, c.outcome) for c in every[item].checks][:len(ran)] == ran
            earned = every[item].earned(4, per_check=True)
            if item in sample.expect:
                assert 0 <= earned < 4, (sample.name, item, every[item].feedback)
            else:
                assert earned == 4, (sample.name, item, every[item].feedback)
        assert grade(week, sample.definitions, every_check=True) == every  # reproducible


def test_some_wrong_sample_earns_partial_credit():
    """The check of the check: per-check scoring is not all or nothing in disguise."""
    week = "w02_lstm"
    sample = next(s for s in samples(week) if s.name == "forgets_h_prev")
    earned = grade(week, sample.definitions, every_check=True)["lstm_gates"].earned(2, per_check=True)
    assert 0 < earned < 2


def graded_test_cell(state, points=2.0):
    cell = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "test_rnn_cell", "points": points, "locked": True}})
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = ReportCheckResults().preprocess(nb, {KEY: state})
    return nb.cells[0]


@pytest.mark.parametrize("outcomes, scoring, expected", [
    ([("passed", 1), ("failed", 3)], "per_check", 0.5),
    ([("passed", 1), ("passed", 3)], "per_check", 2.0),
    ([("failed", 1), ("failed", 3)], "per_check", 0),
    ([("passed", 1), ("failed", 3)], "all_or_nothing", 0),
    ([("passed", 1), ("passed", 3)], "all_or_nothing", 2.0),
])
def test_nbgrader_reads_the_score_report_check_results_writes(outcomes, scoring, expected):
    cell = graded_test_cell({"scoring": scoring, "results": {"rnn_cell": result(*outcomes)}})
    assert determine_grade(cell) == (expected, 2.0)
    assert "Hidden checks (graded)" in str(cell.outputs)
