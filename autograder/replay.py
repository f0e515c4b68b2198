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
import dataclasses
import functools
import hashlib
import inspect
import os
import pickle
import sys
from pathlib import Path

import pytest
# The per-example seeding of Python's and NumPy's global random state that hypothesis applies around each example
# (a replayed example must see the state a generated one sees).
from hypothesis.internal.entropy import deterministic_PRNG
from hypothesis.strategies import DataObject


class ExampleBook:
    """check id -> the examples (args, kwargs) hypothesis generated for it in a run that passed; and the grader's
    answers to the questions the reference's code asked while its checks ran them."""

    def __init__(self):
        self.examples = {}
        # check id -> {wire.digest of a packed question: the packed answer}: recorded by the canary's run of the
        # reference, handed to each later submission's worker for the check it runs. A student's code that asks the
        # reference's question (the same bytes: a correct item given the same inputs) gets the same answer without a
        # round trip to the grader; any other question is asked as before. Only the reference's answers are kept,
        # never a student's questions, and only the current check's are in a worker at a time.
        self.answers = {}
        self.kept = {}  # week -> whether load_examples found its examples kept on this machine
        self.replayed = self.recorded = self.handed_back = 0  # checks, for tests and the benchmark's breakdown

    def __contains__(self, check):
        return check in self.examples

    def record(self, check, examples):
        self.examples.setdefault(check, examples)
        self.recorded += 1


BOOK = ExampleBook()  # one per grading process: the examples are the same for every submission

# The examples of the reference's run, kept between grading runs (the canary records them once per machine, not
# once per run): ~/.cache/rnn-course/examples/WEEK-KEY.pickle, KEY a digest of everything they depend on.
CACHE = Path(os.environ.get("AUTOGRADER_CACHE") or Path.home() / ".cache" / "rnn-course") / "examples"
_PACKAGE = Path(__file__).resolve().parent
_SOURCES = (_PACKAGE / "checks", _PACKAGE.parent / "solutions", _PACKAGE.parent / "course_data")


@functools.cache
def examples_key():
    """A digest of what hypothesis' examples depend on: the checks' sources (their strategies, and the seed
    hypothesis derives from each check's source), the code they import for data, and the versions of hypothesis,
    torch, NumPy and Python. Any change gives a new key, so a stale book is never read."""
    import hypothesis
    import numpy
    import torch
    digest = hashlib.sha256(repr((hypothesis.__version__, torch.__version__, numpy.__version__,
                                  sys.version)).encode())
    for folder in _SOURCES:
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:24]


def _cache_path(week):
    return CACHE / f"{week}-{examples_key()}.pickle"


def load_examples(book, week):
    """Add the kept examples of ``week`` to ``book`` (once per book); True if there were any. An unreadable file
    is ignored (the checks then run hypothesis and record them again)."""
    if week not in book.kept:
        try:
            kept = pickle.loads(_cache_path(week).read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            kept = {}
        for check, examples in kept.items():
            book.examples.setdefault(check, examples)
        book.kept[week] = bool(kept)
    return book.kept[week]


_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def _keeps_across_pickle(value):
    """Whether pickle gives ``value`` back whole: plain values, containers of them, and tensors without what pickle
    drops (a ``.grad``, attributes of their own, a subclass). Anything else (a module, a generator, an object of
    a check's own class) is recorded again by each run instead."""
    import numpy
    import torch
    if isinstance(value, _PLAIN) or isinstance(value, (torch.dtype, torch.device, torch.Size)):
        return True
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return all(_keeps_across_pickle(v) for v in value)
    if type(value) is dict:
        return all(_keeps_across_pickle(k) and _keeps_across_pickle(v) for k, v in value.items())
    if type(value) in (torch.Tensor, torch.nn.Parameter):
        return value.grad is None and not value.__dict__ and value.layout == torch.strided
    if type(value) is numpy.ndarray:
        return value.dtype != object
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a check's case, e.g. w05's Conv
        cls = type(value)
        importable = getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls
        fields = {f.name for f in dataclasses.fields(value)}
        return importable and set(vars(value)) == fields and all(_keeps_across_pickle(getattr(value, name))
                                                                for name in fields)
    return isinstance(value, numpy.generic)


def save_examples(book, week, module):
    """Keep the examples ``book`` holds for the checks of ``module`` (those of a run of the reference that
    passed), written atomically; examples pickle would not give back whole are left out (recorded each run)."""
    prefix = f"{module}::"
    kept = {check: examples for check, examples in book.examples.items()
            if check.startswith(prefix) and _keeps_across_pickle(examples)}
    path = _cache_path(week)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(kept))
        os.replace(partial, path)
    except OSError:  # a read-only home: the book is recorded again by the next run
        pass


class ReplayExamples:
    """pytest plugin: run each hypothesis check on the book's examples, recording them on the first pass.

    restart(node, at_first_example): called before a replay that failed is handed to hypothesis, so the full run
    starts from the state of a fresh check (the implementation's ``begin_check``). When the very first example
    failed, hypothesis' run would have failed there too: a call that ran out of time may then fail the rest of the
    check at once, as it would have, instead of running out of time a second time."""

    def __init__(self, restart, book=BOOK):
        self.restart = restart
        self.book = book  # None: hypothesis runs every check in full

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        check = pyfuncitem.obj
        if self.book is None or not getattr(check, "is_hypothesis_test", False):
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
