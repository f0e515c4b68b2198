"""Runs a week's hidden checks against an implementation and reports per item.

    results = run_checks("w01_rnn", impl)
    results["rnn_cell"].passed, results["rnn_cell"].feedback
    results["rnn_cell"].earned(points=3, per_check=True)    # partial credit: the weights of the passed checks

The checks run in this (the grader's) process with pytest, in a session kept
open for the week (configured and collected once per process:
``autograder.pytest_session``); only the calls into student code go to the
implementation.
"""
import contextlib
import functools
import importlib
import io
import re
import textwrap
from dataclasses import dataclass, field

import pytest

from .checks.conftest import all_patterns, builds_on, check_id, item_of, new_submission, weight_of
from .counterexample import calls_text
from .implementation import StudentCodeError, first_error
from .messages import N_, _, check_title
from .pytest_session import OpenSession, SessionError, run_items
from .replay import BOOK, ExampleBook, ReplayExamples, load_examples

MAX_NOTE_CHARS = 1500


@dataclass
class CheckOutcome:
    name: str  # the check's one-line description (its docstring)
    outcome: str  # "passed", "failed" or "skipped"
    message: str = ""
    weight: float = 1  # its share of the item's points under partial credit (the check module declares it)


@dataclass
class ItemResult:
    item: str
    checks: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # lines for the student after the checks

    @property
    def passed(self):
        return bool(self.checks) and all(c.outcome == "passed" for c in self.checks)

    @property
    def failures(self):
        return [c for c in self.checks if c.outcome == "failed"]

    def earned(self, points, per_check=False):
        """The item's score out of ``points``: all or nothing, or (per_check) the passed checks' share of the
        weights, rounded to hundredths of a point."""
        if not per_check or not self.checks:
            return points if self.passed else 0
        total = sum(c.weight for c in self.checks)
        return round(points * sum(c.weight for c in self.checks if c.outcome == "passed") / total, 2)

    @property
    def feedback(self):
        """Text for the student: a line per check, the first failure in full."""
        return self.scored_feedback()

    def scored_feedback(self, points=None):
        """The feedback; given the item's ``points``, with each check's points (partial credit)."""
        ran = [c for c in self.checks if c.outcome != "skipped"]
        head = _("{item}: {passed} of {total} hidden checks passed").format(
            item=self.item, passed=sum(c.outcome == "passed" for c in ran), total=len(self.checks))
        total = sum(c.weight for c in self.checks)
        if points is not None:
            head += _(": {earned} of {points}").format(earned=_num(self.earned(points, per_check=True)),
                                                        points=_points(points))
        lines = [head]
        for c in self.checks:
            mark = {"passed": "PASS", "failed": "FAIL", "skipped": "----"}[c.outcome]
            share = _(WORTH).format(points=_points(round(points * c.weight / total, 2))) \
                if points is not None else ""
            lines.append(f"  [{mark}] {c.name}{share}")
            if c.outcome == "failed":
                lines.append(textwrap.indent(c.message, "         "))
        if any(c.outcome == "skipped" for c in self.checks):
            lines.append(_("  (---- = not run, because an earlier check of this item failed or was stopped)"))
        lines += [_("  note: {note}").format(note=note) for note in self.notes]
        return "\n".join(lines)


def _num(x):
    """1.0 -> "1", 0.75 -> "0.75"."""
    return f"{x:g}"


def _points(x):
    return (_("{points} point") if x == 1 else _("{points} points")).format(points=_num(x))


# Messages the class report (autograder.report) recognises in the feedback, so kept here once
RAISED = N_("Your code raised {error}: {message}")
STOPPED = N_("Stopped: {reason}")
WORTH = N_(" (worth {points})")  # a check's share of the points, after its title (per-check scoring)
EXAMPLE = N_("Smallest failing example found:")
EXAMPLE_CALLS = N_("Smallest failing example found, as calls you can paste:")


def check_module(week):
    return importlib.import_module(f"autograder.checks.test_{week}")


def week_items(week):
    """The graded items of a week, in the order of its checks."""
    return list(check_module(week).FORBIDDEN)


def forbidden_patterns(week):
    return all_patterns(check_module(week).FORBIDDEN)


class _ImplPlugin:
    """Hands the implementation to the ``impl`` fixture (see checks/conftest.py)."""

    def __init__(self, impl, every_check=False):
        self.implementation_under_test = impl
        self.every_check = every_check  # partial credit: every check of an item runs (checks/conftest.py)
        self.handed_out = False


class _Collector:
    def __init__(self, impl, reference):
        self.results = {}  # item -> ItemResult, of the submission being graded
        self.impl, self.reference = impl, reference  # for the counterexample: the failing call into student code

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        result = self.results.setdefault(item_of(item), ItemResult(item_of(item)))
        title = check_title(item.function)
        existing = next((c for c in result.checks if c.name == title), None)
        if existing is None:
            existing = CheckOutcome(title, "passed", weight=weight_of(item))
            result.checks.append(existing)
        if report.skipped and call.when == "setup" and existing.outcome != "failed":
            existing.outcome = "skipped"
        elif report.failed:
            existing.outcome = "failed"
            existing.message = existing.message or _failure_message(call.excinfo, self._student_call())
        return report


    def _student_call(self):
        calls = getattr(self.impl, "calls", None)
        return calls_text(calls, self.reference) if calls else None

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """Each example of a hypothesis check starts with no calls remembered (autograder.counterexample)."""
        check = pyfuncitem.obj
        if not getattr(check, "is_hypothesis_test", False) or not hasattr(self.impl, "calls"):
            return (yield)
        inner = check.hypothesis.inner_test

        @functools.wraps(inner)  # hypothesis derives its derandomised seed from the inner test's source and name
        def example(*args, **kwargs):
            self.impl.calls = []
            return inner(*args, **kwargs)

        check.hypothesis.inner_test = example
        try:
            return (yield)
        finally:
            check.hypothesis.inner_test = inner


def _failure_message(excinfo, student_call=None):
    """student_call: the smallest failing example as the call into student code, shown instead of hypothesis' own
    report of the check's arguments."""
    if excinfo is None:
        return _("the check failed")
    exc = first_error(excinfo.value)
    if isinstance(exc, StudentCodeError):
        text = _(RAISED).format(error=exc.kind, message=exc.message) \
            if exc.kind != "WorkerFailure" else _(STOPPED).format(reason=exc.message)
        if exc.traceback:
            text += "\n" + exc.traceback.strip()[-1200:]
        if ("shapes cannot be multiplied" in exc.message or "size of tensor" in exc.message) and "hint:" not in text:
            text += "\n" + _("hint: weights are stored as (out_features, in_features): x @ weight.T")
        if exc.kind == "NotImplementedError":
            text += "\n" + _("hint: replace `raise NotImplementedError()` with your implementation")
    elif isinstance(exc, (AssertionError, pytest.fail.Exception)):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"  # the checks' own error: for the instructor, as Python says it
    notes = [n for n in getattr(exc, "__notes__", [])
             if n.startswith(("Failing test case", "Falsifying example", "Failing explicit example",
                              "Falsifying explicit example"))]
    if notes and student_call:
        text += "\n" + _(EXAMPLE_CALLS) + "\n" \
            + textwrap.indent(student_call, "    ")
    elif notes:
        text += "\n" + _readable_example(notes[0])
    return text


def _readable_example(note):
    """Hypothesis' minimal failing example, without the grader's own arguments."""
    lines = note.splitlines()[1:]
    lines = [l for l in lines if not l.strip().startswith("impl=")]
    if lines and lines[-1].strip() == ")":
        lines = lines[:-1]
    body = "\n".join(lines)
    body = re.sub(r"from_numpy\(\s*array\((.*?)\)\s*\)", r"tensor(\1)", body, flags=re.S)
    body = _(EXAMPLE) + "\n" + body
    return body if len(body) < MAX_NOTE_CHARS else body[:MAX_NOTE_CHARS] + " ..."


def grade_cells(week, cells, launcher, call_timeout, cell_timeout, files, stopped=None, attempts=2,
                every_check=False, record_answers=False):
    """Run the hidden checks on a submission's cells in a sandboxed worker; returns (results, cell errors).

    stopped: {cell id: error} of the answer cells that ran out of time in the notebook's kernel: not run by the
    worker, and no longer waited for if the kernel stops them while the checks run beside it.
    record_answers: the cells are the reference's (the canary): the grader's answers to its code's questions are kept
    in this process's book, and handed to the workers of later submissions (``autograder.replay``).
    If the warm sandbox dies under the submission (the grader's failure, never the student's), the submission is
    graded again from the start with a new one."""
    from .implementation import SandboxedImplementation
    for attempt in range(attempts):
        impl = SandboxedImplementation(cells, forbidden_patterns(week), launcher, call_timeout=call_timeout,
                                       cell_timeout=cell_timeout, files=files, stopped=stopped, answers=BOOK.answers,
                                       record_answers=record_answers)
        try:
            results = run_checks(week, impl, every_check=every_check)
        finally:
            impl.close()
        if not impl.sandbox_lost:
            return results, impl.cell_errors
    raise RuntimeError(f"the grading sandbox died {attempts} times while grading this submission of {week}")


class _WeekChecks:
    """A week's hidden checks in a pytest session kept open (autograder.pytest_session), with the runner's plugins,
    whose state is set for each submission: configured and collected once per grading process."""

    def __init__(self, week):
        module = check_module(week)
        self.plugin = _ImplPlugin(None)
        self.collector = _Collector(None, importlib.import_module(f"solutions.{week}"))
        self.replay = ReplayExamples(restart=None, book=None)
        args = [module.__file__, "-q", "-s", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging",
                "--no-header", "-o", "addopts=", "--tb=no", "-p", "no:unraisableexception"]
        self.session = OpenSession(args, [self.plugin, self.collector, self.replay])

    def grade(self, impl, items, book, every_check):
        """In the session's thread: run the checks of ``items`` (None: all) on ``impl``; returns the results."""
        wanted = None if items is None else set(items)

        def job(session):
            self.plugin.implementation_under_test, self.plugin.every_check = impl, every_check
            self.plugin.handed_out = False
            self.collector.impl, self.collector.results = impl, {}
            self.replay.book = book
            self.replay.restart = lambda node, first: impl.begin_check(check_id(node), keep_failure=first)
            new_submission(session.config)
            chosen = [i for i in session.items if wanted is None or item_of(i) in wanted]
            for item in chosen:
                self.collector.results.setdefault(item_of(item), ItemResult(item_of(item)))
            run_items(session, chosen)
            return self.plugin.handed_out, self.collector.results
        return self.session.run(job)


_WEEKS = {}  # week -> _WeekChecks of this process


def _week_checks(week):
    checks = _WEEKS.get(week)
    if checks is None or not checks.session.alive():
        checks = _WEEKS[week] = _WeekChecks(week)
    return checks


def run_checks(week, impl, items=None, replay=True, every_check=False):
    """Run the hidden checks of ``week`` (of ``items`` only, if given); return {item: ItemResult}.

    replay: hypothesis' examples are generated by the first run that passes a check and replayed after (see
    ``autograder.replay``), from this process's book or the ``ExampleBook`` given; False runs hypothesis in full
    every time, as the fast path's oracle.
    every_check: run every check of an item, not only up to its first failure (for partial credit)."""
    module = check_module(week)
    book = None
    if replay:
        book = replay if isinstance(replay, ExampleBook) else BOOK
        if book is BOOK:
            load_examples(BOOK, week)  # what the canary kept on this machine (autograder.replay)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            handed_out, found = _week_checks(week).grade(impl, items, book, every_check)
        except SessionError as exc:
            raise RuntimeError(f"the hidden checks of {week} did not run on the submission: {exc}") from None
    if not handed_out:
        # Never fall back to grading the reference solutions by mistake.
        raise RuntimeError(f"the hidden checks of {week} did not run on the submission:\n{out.getvalue()[-3000:]}")
    results = {item: found.get(item, ItemResult(item)) for item in week_items(week)
               if items is None or item in items}
    for item, result in results.items():
        wrong = [d for d in builds_on(module, item) if d in results and not results[d].passed]
        if wrong:
            names = _(" and ").join(wrong)
            result.notes.append(_(
                "{item} was checked with the reference {names} in place of yours, so it earns its points on its "
                "own; your {names} fails its checks (see above): fix it, or {item} will not work in your notebook."
            ).format(item=item, names=names))
    return results
