"""Checks of the checks for w03_gru: the reference passes (in this process and over the wire), every
sample mistake loses exactly the items it breaks with a telling message, correct variants pass."""
import inspect

import pytest
import torch

from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import solution_imports, solution_sources
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed

WEEK = "w03_gru"
ITEMS = ["gru_cell", "GRUCell", "GRU", "count_parameters", "layer_norm", "weight_norm"]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """The checks compute on tiny tensors: threads only contend (the worker process runs with one too)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def grade_locally(definitions):
    sources = {**solution_sources(WEEK), **definitions}
    cells = [("setup", "\n".join(solution_imports(WEEK)))] + list(sources.items())
    impl = LocalImplementation.from_source(cells, forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(WEEK, impl)


def test_check_module_layout():
    checks = check_module(WEEK)
    assert checks.WEEK == WEEK
    assert list(checks.FORBIDDEN) == ITEMS  # contract order; the runner reports items in this order
    tests = [f for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert {mark.args[0] for f in tests for mark in f.pytestmark if mark.name == "item"} == set(ITEMS)
    for f in tests:
        doc = inspect.getdoc(f)
        assert doc and "\n" not in doc.strip(), f"{f.__name__} needs a one-line docstring (the check's title)"
    titles = [inspect.getdoc(f) for f in tests]
    assert len(titles) == len(set(titles)), "titles identify checks in the feedback: they must be distinct"


def test_reference_passes_every_item():
    results = grade_locally({})
    assert {item: r.passed for item, r in results.items()} == {item: True for item in ITEMS}


def test_reference_passes_in_the_worker_process():
    """The same checks over the wire (trusted modules for count_parameters, nested grad outputs)."""
    cells = [("setup", "\n".join(solution_imports(WEEK)))] + list(solution_sources(WEEK).items())
    impl = SandboxedImplementation(cells, forbidden_patterns(WEEK), Unsandboxed())
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    assert {item: r.passed for item, r in results.items()} == {item: True for item in ITEMS}, \
        {i: r.feedback for i, r in results.items() if not r.passed}


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
    forbidden = [s for s in wrong if s.title.startswith("Forbidden")]
    assert len(wrong) - len(forbidden) >= 6 and len(forbidden) >= 1 and len(correct) >= 3
