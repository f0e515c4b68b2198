"""Checks of the hidden checks, for every week: the reference passes over the wire, in a worker process (pytest
also collects autograder/checks/ itself, which runs every check against solutions/ in this process), every sample mistake loses exactly the items it breaks with a telling message, correct variants
pass, and grading is deterministic. Week-specific checks of checks live in tests/test_checks_WEEK.py.

Samples are code: the item "checkpoint" (a trained model handed in as a file) is left out of their comparison
and has its own checks of checks in tests/test_checkpoint_checks.py.
"""
import ast
import functools
import inspect
import textwrap

import pytest

from autograder.checks.clauses import week_clauses
from autograder.checks.conftest import builds_on
from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells, solution_sources, weeks
from autograder.runner import check_module, forbidden_patterns, run_checks, week_items
from autograder.replay import ExampleBook
from autograder.samples import samples
from autograder.submitted_files import SubmittedFiles
from sandboxes import warm_launcher

FILE_ITEMS = {"checkpoint"}
WEEKS = weeks()
SAMPLES = [pytest.param(week, s, id=f"{week}-{s.name}") for week in WEEKS for s in samples(week)]


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def grade_locally(week, definitions=None, items=None, replay=True):
    impl = LocalImplementation.from_source(reference_cells(week, definitions), forbidden_patterns(week),
                                           SubmittedFiles.reference(week))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(week, impl, items=items, replay=replay)


_BOOKS = {}


def week_book(week):
    """The week's examples, recorded from the reference as the canary records them before a class is graded."""
    if week not in _BOOKS:
        _BOOKS[week] = ExampleBook()
        grade_locally(week, replay=_BOOKS[week])
    return _BOOKS[week]


@functools.cache  # parsed once per week, not once per sample
def item_dependencies(week):
    """{item: the items it can reach}: through the reference's code (RNNCell calls rnn_cell) and through its checks
    (a check of the checkpoint builds the student's CharLM), transitively."""
    items = set(week_items(week))
    sources = solution_sources(week)
    uses = {item: {n.id for n in ast.walk(ast.parse(sources.get(item, ""))) if isinstance(n, ast.Name)} & items
            for item in items}
    module = check_module(week)
    functions = {name: f for name, f in vars(module).items()
                 if inspect.isfunction(f) and f.__module__ == module.__name__}

    def names_in(function, seen):
        """Every name, attribute and string in a check and in the check module's functions it calls."""
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(function))))
        except (OSError, TypeError, SyntaxError):  # hypothesis' composite strategies: they build inputs only
            return set()
        found = set()
        for node in ast.walk(tree):
            found |= {getattr(node, "id", None), getattr(node, "attr", None),
                      node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None}
        for callee in (found & set(functions)) - seen:
            seen.add(callee)
            found |= names_in(functions[callee], seen)
        return found

    for name, check in functions.items():
        if name.startswith("test_"):
            item = next(m.args[0] for m in check.pytestmark if m.name == "item")
            uses[item] |= names_in(check, {name}) & items
    reach = {item: set(direct) for item, direct in uses.items()}
    changed = True
    while changed:
        changed = False
        for item in items:
            more = set().union(*(reach[d] for d in reach[item])) - reach[item]
            if more:
                reach[item] |= more
                changed = True
    return reach


def affected_items(week, definitions):
    """The items whose grade a sample's definitions can change: the others run the reference's code on the
    reference's inputs (every check seeds the random state from its own identity), so they pass as the reference
    does (test_reference_passes_in_the_worker_process and pytest autograder/checks prove that)."""
    defined = set(definitions)
    return {item for item, reach in item_dependencies(week).items() if item in defined or reach & defined}


def runs_the_samples_code(week, item, sample):
    """Whether the checks of ``item`` call code the sample wrote: the item itself, or an item it reaches that the
    checks do not replace with the reference (BUILDS_ON)."""
    written = set(sample.definitions)
    reached = (item_dependencies(week)[item] | {item}) & written
    return bool(reached - set(builds_on(check_module(week), item)))


def failed_items(results):
    return {item for item, r in results.items() if not r.passed}


@pytest.mark.parametrize("week", WEEKS)
def test_check_module_layout(week):
    # Imported through the runner: @given fixes its settings when the check module is imported, and only the
    # checks' conftest loads the "grading" profile.
    checks = check_module(week)
    assert checks.WEEK == week
    items = week_items(week)  # the contract's order: the runner reports items in this order
    tests = [f for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert {m.args[0] for f in tests for m in f.pytestmark if m.name == "item"} == set(items), \
        "every item has checks, and every check belongs to an item"
    for f in tests:
        assert [m.args[0] for m in f.pytestmark if m.name == "item"], f"{f.__name__} has no item mark"
        doc = inspect.getdoc(f)
        assert doc and "\n" not in doc.strip(), f"{f.__name__} needs a one-line docstring (the check's title)"
    titles = [inspect.getdoc(f) for f in tests]
    assert len(titles) == len(set(titles)), "titles identify checks in the feedback: they must be distinct"


@pytest.mark.parametrize("week", WEEKS)
def test_reference_passes_in_the_worker_process(week):
    """The same checks over the wire (tensors, modules, state dicts, gradients) as in real grading."""
    impl = SandboxedImplementation(reference_cells(week), forbidden_patterns(week), warm_launcher(),
                                   files=SubmittedFiles.reference(week))
    try:
        results = run_checks(week, impl)
    finally:
        impl.close()
    assert not failed_items(results), "\n".join(r.feedback for r in results.values() if not r.passed)


def names_the_mistake(result):
    """The feedback of a failed item names the mistake: a hint, or the forbidden built-in it calls."""
    return any("hint:" in c.message or "a built-in this exercise asks you to write yourself" in c.message
               for c in result.failures)


@pytest.mark.parametrize("week, sample", SAMPLES)
def test_sample_loses_exactly_the_items_it_breaks(week, sample, record_property):
    items = affected_items(week, sample.definitions)
    results = grade_locally(week, sample.definitions, items=items, replay=week_book(week))
    # The fast path only ever says "passed" on its own (autograder.replay): hypothesis in full agrees, for every
    # item whose checks run the sample's code (the others run the reference's code only, which `pytest
    # autograder/checks` checks in full). A failed replay is judged by hypothesis in full; tests/test_replay.py
    # compares those feedbacks too.
    passed = {item for item, r in results.items() if r.passed and runs_the_samples_code(week, item, sample)}
    if passed:
        full = grade_locally(week, sample.definitions, items=passed, replay=False)
        assert {item: r.checks for item, r in full.items()} == {item: results[item].checks for item in passed}
    failed = failed_items(results) - FILE_ITEMS
    assert failed == set(sample.expect), {i: results[i].feedback for i in failed}
    if failed:  # printed per week at the end of the run (tests/conftest.py)
        record_property("names_the_mistake", (week, all(names_the_mistake(results[i]) for i in failed)))
    for item, phrase in sample.expect.items():
        assert phrase in results[item].feedback, results[item].feedback
        # one failure shown in full; the item's later checks are not run
        assert sum(c.outcome == "failed" for c in results[item].checks) == 1, results[item].feedback
    for clause in [c for c in week_clauses(week) if c.sample == sample.name]:
        # the promise the sample breaks is caught by the check the clause table names
        title = inspect.getdoc(getattr(check_module(week), clause.check)).strip()
        assert results[clause.item].failures[0].name == title, (clause, results[clause.item].feedback)


def test_affected_items_follow_the_code_and_the_checks():
    """A check of the shortcut above: what builds on an item is graded with it."""
    assert affected_items("w01_rnn", {"rnn_cell": ""}) >= {"rnn_cell", "RNNCell"}
    assert "clip_grad_norm" not in affected_items("w01_rnn", {"rnn_cell": ""})
    assert affected_items("w02_lstm", {"lstm_gates": ""}) == {"lstm_gates", "lstm_cell", "LSTMCell", "LSTM"}
    assert "checkpoint" in affected_items("w07_language_model", {"CharLM": ""})


@pytest.mark.parametrize("week", WEEKS)
def test_grades_and_feedback_are_deterministic(week):
    sample = next(s for s in samples(week) if not s.correct)
    first, second = grade_locally(week, sample.definitions), grade_locally(week, sample.definitions)
    assert {i: r.feedback for i, r in first.items()} == {i: r.feedback for i, r in second.items()}


@pytest.mark.parametrize("week", WEEKS)
def test_there_are_enough_samples(week):
    wrong = [s for s in samples(week) if not s.correct]
    correct = [s for s in samples(week) if s.correct]
    assert len(wrong) >= 6 and len(correct) >= 3
    forbids = any(check_module(week).FORBIDDEN.values())
    assert not forbids or any(s.title.lower().startswith("forbidden") or "built-in" in s.title for s in wrong), \
        "a week that forbids built-ins has a sample that uses one"
    broken = {item for s in wrong for item in s.expect}
    assert broken == set(week_items(week)) - FILE_ITEMS, "every coded item has a sample that breaks it"
