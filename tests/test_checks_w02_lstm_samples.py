"""Checks of the checks for w02_lstm: the reference passes, every sample mistake
loses exactly the items it breaks with a telling message, correct variants pass."""
import pytest

from autograder.implementation import LocalImplementation
from autograder.notebooks import solution_imports, solution_sources
from autograder.runner import forbidden_patterns, run_checks
from autograder.samples import samples

WEEK = "w02_lstm"


def grade_locally(definitions):
    sources = {**solution_sources(WEEK), **definitions}
    cells = [("setup", "\n".join(solution_imports(WEEK)))] + list(sources.items())
    return run_checks(WEEK, LocalImplementation.from_source(cells, forbidden_patterns(WEEK)))


def test_reference_passes_every_item():
    results = grade_locally({})
    assert {item: r.passed for item, r in results.items()} == {item: True for item in results}


@pytest.mark.parametrize("sample", samples(WEEK), ids=lambda s: s.name)
def test_sample_loses_exactly_the_items_it_breaks(sample):
    results = grade_locally(sample.definitions)
    failed = {item for item, r in results.items() if not r.passed}
    assert failed == set(sample.expect), {i: results[i].feedback for i in failed}
    for item, phrase in sample.expect.items():
        assert phrase in results[item].feedback, results[item].feedback


def test_there_are_enough_samples():
    wrong = [s for s in samples(WEEK) if not s.correct]
    correct = [s for s in samples(WEEK) if s.correct]
    assert len(wrong) >= 6 and len(correct) >= 3
