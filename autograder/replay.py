"""Hypothesis' examples, generated once per process and replayed for every submission.

The hidden checks are derandomised and keep no database, and their strategies draw everything before the check's
body runs. So, for every implementation that passes a check, hypothesis generates the same examples in the same
order: its choices depend on the strategies, never on the outcome while every example passes. The first run of a
check that passes records those examples (``ExampleBook``); later submissions call the check's body on them
directly, without hypothesis' engine (the ``ReplayExamples`` plugin).

A replay only ever says "passed". A submission that fails a recorded example is judged by hypothesis, from the
start of the check: it finds the failure again and shrinks it to the same smallest failing example, so verdicts
and feedback are those of the full run (tests/test_checks_of_checks.py runs every sample's passed items in full
too; tests/test_replay.py compares the feedback of failed replays).
"""
import copy
import functools
import inspect

import pytest
# The per-example seeding of Python's and NumPy's global random state that hypothesis applies around each example
# (a replayed example must see the state a generated one sees).
from hypothesis.internal.entropy import deterministic_PRNG
from hypothesis.strategies import DataObject


class ExampleBook:
    """check id -> the examples (args, kwargs) hypothesis generated for it in a run that passed."""

    def __init__(self):
        self.examples = {}
        self.replayed = self.recorded = self.handed_back = 0  # checks, for tests and the benchmark's breakdown

    def __contains__(self, check):
        return check in self.examples

    def record(self, check, examples):
        self.examples.setdefault(check, examples)
        self.recorded += 1


BOOK = ExampleBook()  # one per grading process: the examples are the same for every submission


class ReplayExamples:
    """pytest plugin: run each hypothesis check on the book's examples, recording them on the first pass.

    restart(node, at_first_example): called before a replay that failed is handed to hypothesis, so the full run
    starts from the state of a fresh check (the implementation's ``begin_check``). When the very first example
    failed, hypothesis' run would have failed there too: a call that ran out of time may then fail the rest of the
    check at once, as it would have, instead of running out of time a second time."""

    def __init__(self, restart, book=BOOK):
        self.restart = restart
        self.book = book

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        check = pyfuncitem.obj
        if not getattr(check, "is_hypothesis_test", False):
            return None
        check_id = f"{pyfuncitem.module.__name__}::{pyfuncitem.name}"
        fixtures = {name: pyfuncitem.funcargs[name] for name in inspect.signature(check).parameters}
        if check_id in self.book:
            failed_at = _replay(check.hypothesis.inner_test, fixtures, self.book.examples[check_id])
            if failed_at is None:
                self.book.replayed += 1
                return True
            self.book.handed_back += 1
            self.restart(pyfuncitem, failed_at == 0)
            return None  # pytest's own call: hypothesis runs the check in full
        examples = _run_recording(check, fixtures)  # raises as the check does
        if examples is not None:
            self.book.record(check_id, examples)
        return True


def _run_recording(check, fixtures):
    """Run the check through hypothesis; return its examples if it passed and they can be replayed, else None."""
    inner = check.hypothesis.inner_test
    examples = []

    @functools.wraps(inner)  # hypothesis derives its derandomised seed from the inner test's source and name
    def recording(*args, **kwargs):
        given = {k: v for k, v in kwargs.items() if k not in fixtures}
        try:
            examples.append(copy.deepcopy((args, given)))
        except Exception:  # an input that cannot be copied: this check is not replayed
            examples.append(None)
        return inner(*args, **kwargs)

    check.hypothesis.inner_test = recording
    try:
        check(**fixtures)
    finally:
        check.hypothesis.inner_test = inner
    if not examples or None in examples:
        return None
    drawn_later = any(isinstance(v, DataObject) for _, given in examples for v in given.values())
    return None if drawn_later else examples


def _replay(inner, fixtures, examples):
    """Run the check's body on each example; return the index of the first that failed, or None."""
    for index, (args, given) in enumerate(examples):
        args, given = copy.deepcopy((args, given))
        with deterministic_PRNG():
            try:
                inner(*args, **fixtures, **given)
            except (Exception, pytest.fail.Exception, pytest.skip.Exception):
                return index
    return None
