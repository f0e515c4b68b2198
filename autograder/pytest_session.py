"""A pytest session kept open, so that the hidden checks are configured and collected once per grading process
instead of once per submission (``pytest.main`` costs 0.1-0.2 s of plugins, configuration and collection).

    session = OpenSession(args, plugins)     # starts pytest in a thread of its own; raises SessionError if it
                                             # cannot collect (with pytest's output)
    session.run(job)                         # job(session) runs in that thread, in the caller's context
    run_items(session, items)                # inside a job: the full pytest protocol of each item, then teardown

pytest keeps the session open because its ``pytest_runtestloop`` is this module's: it waits for jobs instead of
running the collected items once. Every job ends by tearing down every fixture, so no state of one submission
reaches the next, except what the checks' own plugins keep (the runner resets them per job). A job that raises
(pytest's own machinery failed, not a check) ends the session; the next ``OpenSession`` starts afresh.
"""
import contextlib
import contextvars
import io
import os
import queue
import threading

import pytest


class SessionError(RuntimeError):
    """pytest could not collect the checks, or the session ended."""


class OpenSession:
    def __init__(self, args, plugins):
        self.owner = os.getpid()  # a forked copy of this process has no session thread: it opens its own
        self.output = io.StringIO()  # pytest's terminal output (collection errors)
        self._jobs = queue.SimpleQueue()
        self._collected = threading.Event()
        self._ready = False  # collected without errors: the loop waits for jobs
        self.exit_code = None
        self.broken = False
        thread = threading.Thread(target=self._serve, args=(args, [self, *plugins]), daemon=True,
                                  name="hidden checks")
        # pytest's terminal reporter writes to sys.stdout as it is when pytest starts: here, our buffer
        with contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output):
            thread.start()
            self._collected.wait()
        if not self._ready:
            raise SessionError(f"pytest could not collect the hidden checks (exit {self.exit_code}):\n"
                               f"{self.output.getvalue()[-3000:]}")

    def alive(self):
        return os.getpid() == self.owner and self.exit_code is None and not self.broken

    def _serve(self, args, plugins):
        try:
            self.exit_code = pytest.main(args, plugins=plugins)
        finally:
            self.exit_code = self.exit_code if self.exit_code is not None else -1
            self._collected.set()
            while True:  # a job that arrived as the session ended
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                job.fail(SessionError("the hidden checks' pytest session ended"))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return None  # pytest reports the collection errors and ends
        self._ready = True
        self._collected.set()
        while True:
            job = self._jobs.get()
            job.context.run(job.execute, session)
            if job.error is not None:  # pytest's state may be half-way through an item: this session ends
                self.broken = True
                return True

    def run(self, job):
        """Run ``job(session)`` in the session's thread and return its result (or raise its exception)."""
        if not self.alive():
            raise SessionError("the hidden checks' pytest session ended")
        pending = _Job(job)
        self._jobs.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.result


class _Job:
    def __init__(self, function):
        self.function = function
        self.context = contextvars.copy_context()  # e.g. the course's language (autograder.messages)
        self.done = threading.Event()
        self.result = self.error = None

    def execute(self, session):
        try:
            self.result = self.function(session)
        except BaseException as exc:  # handed to the caller
            self.error = exc
        finally:
            self.done.set()

    def fail(self, error):
        self.error = error
        self.done.set()


def run_items(session, items):
    """Run ``items`` through pytest's protocol (setup, call, teardown, reports); the last one tears everything
    down, as at the end of a pytest run."""
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
