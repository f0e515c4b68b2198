"""Checks of the checks for w07_language_model: the reference passes (in this process and in the worker), every
sample mistake loses exactly the items it breaks with a telling message, correct variants pass."""
import inspect

import pytest

from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import solution_imports, solution_sources
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed

WEEK = "w07_language_model"
ITEMS = ["perplexity", "temperature_softmax", "sample_next", "CharLM", "generate"]
PPL = ["torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss", "torch.nn.CrossEntropyLoss",
       "torch.nn.NLLLoss"]


def grade_locally(definitions):
    sources = {**solution_sources(WEEK), **definitions}
    cells = [("setup", "\n".join(solution_imports(WEEK)))] + list(sources.items())
    impl = LocalImplementation.from_source(cells, forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(WEEK, impl)


def test_check_module_layout():
    checks = check_module(WEEK)  # imported through the runner: the checks' conftest loads the grading profile
    assert checks.WEEK == WEEK
    assert list(checks.FORBIDDEN) == ITEMS  # contract order; the runner reports items in this order
    assert checks.FORBIDDEN == {"perplexity": PPL, "temperature_softmax": [], "sample_next": [], "CharLM": [],
                                "generate": []}
    tests = [f for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert {m.args[0] for f in tests for m in f.pytestmark if m.name == "item"} == set(ITEMS)
    for f in tests:
        assert [m.args[0] for m in f.pytestmark if m.name == "item"], f"{f.__name__} has no item mark"
        doc = inspect.getdoc(f)
        assert doc and "\n" not in doc.strip(), f"{f.__name__} needs a one-line docstring (the check's title)"
    titles = [inspect.getdoc(f) for f in tests]
    assert len(titles) == len(set(titles)), "titles identify checks in the feedback: they must be distinct"
    assert any("chi-square" in t and "alpha" in t for t in titles), "the goodness-of-fit test states its level"


def test_reference_passes_every_item():
    results = grade_locally({})
    assert list(results) == ITEMS
    assert {item: r.passed for item, r in results.items()} == {item: True for item in results}


def test_reference_passes_in_the_worker_process():
    """The same checks over the wire (generators, trusted modules and vocabulary, gradients) as in real grading."""
    sources = solution_sources(WEEK)
    cells = [("setup", "\n".join(solution_imports(WEEK)))] + list(sources.items())
    impl = SandboxedImplementation(cells, forbidden_patterns(WEEK), Unsandboxed())
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    assert {item: r.passed for item, r in results.items()} == {item: True for item in ITEMS}, \
        "\n".join(r.feedback for r in results.values() if not r.passed)


@pytest.mark.parametrize("sample", samples(WEEK), ids=lambda s: s.name)
def test_sample_loses_exactly_the_items_it_breaks(sample):
    results = grade_locally(sample.definitions)
    failed = {item for item, r in results.items() if not r.passed}
    assert failed == set(sample.expect), {i: results[i].feedback for i in failed}
    for item, phrase in sample.expect.items():
        assert phrase in results[item].feedback, results[item].feedback
        # one failure shown in full; the item's later checks are not run
        assert sum(c.outcome == "failed" for c in results[item].checks) == 1, results[item].feedback


def test_grades_and_feedback_are_deterministic():
    sample = next(s for s in samples(WEEK) if s.name == "temperature_multiplies")
    first, second = grade_locally(sample.definitions), grade_locally(sample.definitions)
    assert {i: r.feedback for i, r in first.items()} == {i: r.feedback for i, r in second.items()}


def test_there_are_enough_samples():
    wrong = [s for s in samples(WEEK) if not s.correct]
    correct = [s for s in samples(WEEK) if s.correct]
    forbidden = [s for s in wrong if s.title.startswith("Forbidden")]
    assert len(wrong) >= 6 and len(correct) >= 3 and forbidden
    broken = {item for s in wrong for item in s.expect}
    assert broken == set(ITEMS), f"every item has a sample that breaks it: missing {set(ITEMS) - broken}"
