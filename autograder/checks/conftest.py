"""Fixtures shared by the hidden checks: the implementation under test, fixed
hypothesis settings, one item at a time, and the forbidden built-in guard.

Each item is graded on its own: while its checks run, the items it builds on (the check module's ``BUILDS_ON``)
are computed by the reference, so a mistake is charged once, to the item that makes it.

A check declares its item and, for partial credit, its weight: ``@pytest.mark.item("rnn_cell", weight=3)``
(1 if not given). All or nothing (the default) stops an item at its first failed check; per check, every check of
the item runs, unless one was stopped (out of time, crashed): the rest would only be stopped again."""
import importlib

import pytest

from autograder.implementation import LocalImplementation, StudentCodeError, first_error
from autograder.checks.helpers import USES_BUILT_IN
from autograder.messages import _
from autograder.submitted_files import SubmittedFiles


_FAILED_ITEMS = pytest.StashKey[set]()
_STOPPED_ITEMS = pytest.StashKey[set]()


def all_patterns(forbidden):
    return sorted({p for patterns in forbidden.values() for p in patterns})


def item_of(node):
    marker = node.get_closest_marker("item")
    if marker is None:
        raise pytest.UsageError(f"{node.nodeid} has no @pytest.mark.item(...)")
    return marker.args[0]


def weight_of(node):
    """The check's share of its item's points under partial credit (``weight=`` of its item marker, else 1)."""
    weight = node.get_closest_marker("item").kwargs.get("weight", 1)
    if not (isinstance(weight, (int, float)) and weight > 0):
        raise pytest.UsageError(f"{node.nodeid}: the weight of a check must be a positive number, not {weight!r}")
    return weight


def _runner(config):
    """The runner's plugin (autograder.runner._ImplPlugin), or None when pytest runs the checks on the reference."""
    return next((plugin for plugin in config.pluginmanager.get_plugins()
                 if hasattr(plugin, "implementation_under_test")), None)


def new_submission(config):
    """Forget the items the last submission failed or had stopped (the runner grades many in one session)."""
    for key in (_FAILED_ITEMS, _STOPPED_ITEMS):
        if key in config.stash:
            del config.stash[key]


def runs_every_check(config):
    """True when the runner grades per check (partial credit): every check of an item runs."""
    runner = _runner(config)
    return runner is not None and runner.every_check


def builds_on(module, item):
    """The items ``item`` builds on, transitively, from the check module's ``BUILDS_ON`` ({item: [items]})."""
    direct = getattr(module, "BUILDS_ON", {})
    found, todo = set(), list(direct.get(item, []))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += direct.get(name, [])
    return sorted(found)


def check_id(node):
    """A check's identity, from which the global random state is seeded before it runs."""
    return f"{node.module.WEEK}::{node.name}"


@pytest.fixture(scope="module")
def impl(request):
    """The implementation under test: given by the runner, else the reference solutions."""
    runner = _runner(request.config)
    if runner is not None:
        runner.handed_out = True
        return runner.implementation_under_test
    module = request.module
    reference = importlib.import_module(f"solutions.{module.WEEK}")
    return LocalImplementation(reference, all_patterns(module.FORBIDDEN), SubmittedFiles.reference(module.WEEK))


@pytest.fixture(autouse=True)
def _guard_item(request, impl):
    """Skip the checks of an item that already failed (all or nothing: its points are lost) or was stopped (per
    check), and fail a check whose item used a forbidden built-in."""
    item = item_of(request.node)
    stash = request.config.stash
    if item in stash.setdefault(_STOPPED_ITEMS, set()):
        pytest.skip(_("not run: an earlier check of {item} was stopped").format(item=item))
    if item in stash.setdefault(_FAILED_ITEMS, set()) and not runs_every_check(request.config):
        pytest.skip(_("not run: an earlier check of {item} failed").format(item=item))
    # seeds the global random state; the items this one builds on are the reference's (error carried forward)
    reference = importlib.import_module(f"solutions.{request.module.WEEK}")
    impl.begin_check(check_id(request.node),
                     reference={name: getattr(reference, name) for name in builds_on(request.module, item)})
    yield
    allowed_patterns = request.module.FORBIDDEN.get(item, [])
    used = sorted({call for pattern, call in impl.take_forbidden() if pattern in allowed_patterns})
    if used:
        pytest.fail(
            _(USES_BUILT_IN).format(
                item=item, used=', '.join(used), allowed=', '.join(allowed_patterns)),
            pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.config.stash.setdefault(_FAILED_ITEMS, set()).add(item_of(item))
        if call.excinfo is not None and _stopped(call.excinfo.value):
            item.config.stash.setdefault(_STOPPED_ITEMS, set()).add(item_of(item))
    return report


def _stopped(exc):
    """Student code ran out of time or crashed its worker."""
    exc = first_error(exc)
    return isinstance(exc, StudentCodeError) and exc.kind == "WorkerFailure"
