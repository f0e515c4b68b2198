"""Fixtures of the browser tests: the student environment, the instructor's course, the two JupyterLabs, Chromium.

Built once per session, in the background as soon as the first browser test asks: the student environment (a venv
from environment-student.yml) and the instructor's course (release of every week, w02 in Russian, the others in
English; autograded sample submissions of one week) are made at the same time. The student environment is cached
under ~/.cache/rnn-course, keyed by what it is built from (e2e_lab.cached_student_env). The student-side tests run
first (they need the environment and the release); the formgrader tests come last, when the autograding has finished
meanwhile.
"""
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

import e2e_lab as lab
from autograder import course
from autograder.notebooks import ROOT
from e2e_lab import GRADED_SAMPLE, GRADED_WEEK, LANGUAGES, WEEKS, sample

HERE = Path(__file__).resolve().parent


def require_chromium():
    if os.path.exists(lab.CHROMIUM):
        return
    if os.geteuid() != 0:
        pytest.skip(f"{lab.CHROMIUM} is missing and we are not root: install Debian's chromium to run the browser tests")
    pytest.fail(f"{lab.CHROMIUM} is missing: `make chromium` installs it (as root, with apt)")


class Setup:
    """The background work of the session, in threads: the student environment, then the student's JupyterLab
    (and what `jupyter ... list` says); the instructor's course (every week generated and released, one week's
    sample submissions autograded), then the instructor's JupyterLab. Each result is a Future."""

    def __init__(self, tmp):
        self.tmp = tmp
        # E2E_FRESH_STUDENT_ENV=1: build the student environment in this session's temporary folder, not the cache
        # (1.5 GB; pytest keeps the temporary folders of the last three sessions)
        self.fresh_env = bool(os.environ.get("E2E_FRESH_STUDENT_ENV"))
        self.student_prefix = None
        self.student_home = tmp / "student"
        self.course_root = tmp / "course"
        self.exchange = tmp / "exchange"
        self.timings = {}
        self.servers = []
        self.env_built, self.extension_lists, self.student_lab = Future(), Future(), Future()
        self.released, self.graded, self.instructor_lab = Future(), Future(), Future()
        self.pool = ThreadPoolExecutor(3)
        self.pool.submit(self._student_side)
        self.pool.submit(self._instructor_side)

    @staticmethod
    def _settle(future, fn, *args):
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future.exception() is None

    def _build_student_env(self):
        log = self.tmp / "student-env-build.log"
        if self.fresh_env or not os.access(lab.CACHE.parent if not lab.CACHE.exists() else lab.CACHE, os.W_OK):
            self.fresh_env = True
            prefix, seconds = self.tmp / "student-env", lab.build_student_env(self.tmp / "student-env", log)
        else:
            prefix, seconds = lab.cached_student_env(log)
        self.student_prefix = prefix
        self.timings["student environment built" if seconds else "student environment reused"] = seconds
        lab.log(f"student environment {f'built in {seconds:.0f} s' if seconds else 'reused'} at {prefix}")
        return prefix

    def _start_student_lab(self, prefix):
        """The student's folder (where nbgrader fetches assignments to) and JupyterLab from the student env."""
        self.student_home.mkdir()
        (self.student_home / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.course_id = {'rnn-course'!r}\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n")
        server = lab.LabServer("student", prefix / "bin", self.student_home, self.tmp, env=lab.student_env_vars(prefix))
        self.servers.append(server)
        return server.start()

    def _student_side(self):
        if not self._settle(self.env_built, self._build_student_env):
            for future in (self.extension_lists, self.student_lab):
                future.set_exception(self.env_built.exception())
            return
        prefix = self.env_built.result()
        lists = self.pool.submit(lab.jupyter_lists, prefix)  # slow CLIs, meanwhile
        self._settle(self.student_lab, self._start_student_lab, prefix)
        self._settle(self.extension_lists, lists.result)

    def _generate_and_release(self):
        start = time.perf_counter()
        root = self.course_root
        root.mkdir()
        self.exchange.mkdir()
        config = (ROOT / "nbgrader_config.py").read_text()
        (root / "nbgrader_config.py").write_text(config + f"\nc.Exchange.root = {str(self.exchange)!r}\n")
        for week in WEEKS:
            shutil.copytree(ROOT / "assignments" / week, root / "assignments" / week)
        lab.generate_and_release(root, LANGUAGES)
        self.timings["every week generated and released"] = time.perf_counter() - start
        return root

    def _autograde(self, root):
        start = time.perf_counter()
        wrong = sample(GRADED_WEEK, GRADED_SAMPLE)
        for student, definitions in {"reference": {}, "blank": None, "wrong": wrong.definitions}.items():
            course.write_submission(course.make_submission(GRADED_WEEK, definitions, root=root), student,
                                    GRADED_WEEK, root=root)
        # the real `nbgrader autograde`, in the sandbox, as an instructor runs it; at a lower priority, so that it
        # takes spare CPU from the student-side tests running meanwhile (it is needed only by the last tests)
        proc = subprocess.run(["nice", "-n", "10", course.NBGRADER, "autograde", GRADED_WEEK, "--force"], cwd=root,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"}, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader autograde failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        self.timings[f"{GRADED_WEEK} autograded"] = time.perf_counter() - start
        return root

    def _start_instructor_lab(self, root):
        server = lab.LabServer("instructor", Path(sys.prefix) / "bin", root, self.tmp)
        self.servers.append(server)
        return server.start()

    def _instructor_side(self):
        steps = [(self.released, self._generate_and_release), (self.graded, self._autograde),
                 (self.instructor_lab, self._start_instructor_lab)]
        args = ()
        for i, (future, fn) in enumerate(steps):
            if not self._settle(future, fn, *args):
                for later, _ in steps[i + 1:]:
                    later.set_exception(future.exception())
                return
            args = (future.result(),)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)
        for server in self.servers:
            server.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The instructor's tests last: the course is autograded in the background while the student's tests run.
    (tests/conftest.py keeps the browser tests' ``xdist_group`` on one worker.)"""
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    later = [item for item in ours if Path(str(item.fspath)) == HERE / "test_formgrader.py"]
    if later:
        rest = [item for item in items if item not in later]
        last = max(i for i, item in enumerate(rest) if HERE in Path(str(item.fspath)).parents)
        items[:] = rest[:last + 1] + later + rest[last + 1:]


TIMINGS = lab.ARTIFACTS / "timings.txt"  # printed at the end of the run by tests/conftest.py


@pytest.fixture(scope="session")
def setup(tmp_path_factory):
    require_chromium()
    started = time.perf_counter()
    work = Setup(tmp_path_factory.mktemp("browser"))
    yield work
    work.close()
    # under xdist the session ends when the worker has run all its tests, browser or not
    summary = (f"browser fixtures: {time.perf_counter() - started:.0f} s from the first browser test to the end of "
               "the session (" + ", ".join(f"{k} {v:.0f} s" for k, v in work.timings.items())
               + f"); screenshots in {lab.ARTIFACTS}")
    lab.log(summary)
    lab.ARTIFACTS.mkdir(exist_ok=True)
    TIMINGS.write_text(summary + "\n")


@pytest.fixture(scope="session")
def student_env(setup):
    return setup.env_built.result()


@pytest.fixture(scope="session")
def student_home(setup):
    """The student's folder: where their JupyterLab starts and nbgrader fetches assignments to."""
    return setup.student_home


@pytest.fixture(scope="session")
def student_lab(setup):
    return setup.student_lab.result()


@pytest.fixture(scope="session")
def instructor_lab(setup):
    return setup.instructor_lab.result()


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def student_browser(playwright, setup):
    context = lab.launch_chromium(playwright, setup.tmp / "chromium-student")
    yield context
    context.close()


@pytest.fixture(scope="session")
def student_app(student_browser, student_lab):
    """The student's JupyterLab page, kept open for the session."""
    return lab.App(student_browser, student_lab)


@pytest.fixture
def student_page(student_app):
    """The student's JupyterLab page for one test; what the test left open is closed after it."""
    yield student_app.get()
    student_app.tidy()


@pytest.fixture(scope="session")
def instructor_browser(playwright, setup):
    context = lab.launch_chromium(playwright, setup.tmp / "chromium-instructor")
    yield context
    context.close()
