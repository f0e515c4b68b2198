import os
import sys
import time
from pathlib import Path

import pytest
import torch

from autograder.sandbox.zygote import SCOPE_VARIABLE as ZYGOTE_SCOPE

# test helpers (tests/postgres.py) import as plain modules
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Each pytest process (an xdist worker) and the grading processes its tests start share one warm sandbox per
# machine-wide key (autograder.sandbox.zygote); the scope keeps it apart from the other worker's, so that a test
# that kills its zygote (tests/test_zygote.py) never takes down a test running beside it.
os.environ[ZYGOTE_SCOPE] = f"tests-{os.getpid()}"


@pytest.fixture(scope="module")
def one_torch_thread():
    """Checks compute on tiny tensors: threads only contend (the worker process runs with one too)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep each ``xdist_group`` on one worker under ``--dist loadgroup``.

    pytest-xdist 3.8 marks a grouped test by setting ``item._nodeid`` to NODEID@GROUP, which pytest 9.2 no longer
    reads (a node id comes from ``item._id``): every test was scheduled on its own, and the course a group shares
    (the red team's, the batch tests', each end-to-end week's) was built on both workers.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        if marker and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{marker.args[0]}")


# -- how long the browser tests took, printed at the end (under xdist too: reports reach the controller) --------

E2E = Path(__file__).resolve().parent / "e2e"
E2E_TIMINGS = E2E / "artifacts" / "timings.txt"  # the browser fixtures' own breakdown, written by their worker
SESSION_START = time.time()
browser_seconds = []


named_mistakes = {}  # week -> [does the feedback of a wrong sample name its mistake?] (test_checks_of_checks)


def pytest_runtest_logreport(report):
    if report.nodeid.startswith("tests/e2e/"):
        browser_seconds.append(report.duration)  # setup (the shared fixtures), call and teardown
    for name, value in report.user_properties:
        if name == "names_the_mistake" and report.when == "call":
            week, named = value
            named_mistakes.setdefault(week, []).append(named)


def pytest_terminal_summary(terminalreporter):
    if named_mistakes:
        terminalreporter.write_sep("-", "wrong samples whose feedback names the mistake")
        for week, named in sorted(named_mistakes.items()):
            terminalreporter.write_line(f"{week}: {sum(named)} of {len(named)} ({100 * sum(named) / len(named):.0f} %)")
    if not browser_seconds:
        return
    terminalreporter.write_sep("-", "browser tests")
    terminalreporter.write_line(f"browser tests: {sum(browser_seconds):.0f} s of test time (setup included)")
    if E2E_TIMINGS.exists() and E2E_TIMINGS.stat().st_mtime >= SESSION_START:
        terminalreporter.write_line(E2E_TIMINGS.read_text().strip())
