"""Parallel and distributed grading give exactly the grades of sequential ``nbgrader autograde``."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from postgres import PostgresServer, require_postgres

from autograder import course
from autograder.batch import grade_week
from autograder.samples import samples

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("batch")]  # one worker grades the course once
WEEK = "w01_rnn"
HANG = ("def clip_grad_norm(parameters, max_norm):\n"
        "    while True:\n"
        "        pass\n")


@pytest.fixture(scope="session")  # session: a worker that runs other tests in between keeps it
def sequential(tmp_path_factory):
    """A course with a realistic mix of submissions, graded by stock sequential nbgrader autograde."""
    root = course.new_course(tmp_path_factory.mktemp("course"), [WEEK],
                             extra_config="c.RunHiddenChecks.call_timeout = 3\nc.SandboxedExecute.timeout = 5\n")
    wrong = [s for s in samples(WEEK) if not s.correct][:2]
    students = {"reference": {}, "blank": None, "hangs": {"clip_grad_norm": HANG},
                **{s.name.replace("_", "-"): s.definitions for s in wrong}}
    for student, definitions in students.items():
        course.write_submission(course.make_submission(WEEK, definitions, root=root), student, WEEK, root=root)
    course.nbgrader("autograde", WEEK, "--force", root=root)
    return root, scores(f"sqlite:///{root / 'gradebook.db'}")


def scores(db_url):
    table = course.grade_table([WEEK], db_url=db_url)
    return {student: row["items"] for (student, _), row in table.items()}


def row_counts(db_path):
    with sqlite3.connect(db_path) as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("submitted_assignment", "submitted_notebook", "grade", "comment")}


def empty_gradebook_copy(root, tmp_path):
    """The course's gradebook without any submission: the assignment only."""
    target = tmp_path / "parallel.db"
    with sqlite3.connect(root / "gradebook.db") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    with sqlite3.connect(target) as db:
        for table in ("grade", "comment", "submitted_notebook", "submitted_assignment", "student"):
            db.execute(f"delete from {table}")
    return f"sqlite:///{target}", target


def test_two_jobs_give_the_sequential_scores(sequential, tmp_path):
    root, expected = sequential
    db_url, path = empty_gradebook_copy(root, tmp_path)
    records = grade_week(root, WEEK, jobs=2, db_url=db_url)
    assert len(records) == len(expected)
    assert scores(db_url) == expected
    assert row_counts(path)["submitted_assignment"] == len(expected)


def test_a_run_killed_midway_then_rerun_completes_without_duplicates(sequential, tmp_path):
    root, expected = sequential
    db_url, path = empty_gradebook_copy(root, tmp_path)
    run = subprocess.Popen([sys.executable, "-m", "autograder", "grade", WEEK, "--jobs", "2", "--root", str(root),
                            "--db-url", db_url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 600
    while row_counts(path)["submitted_assignment"] < 1 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    if run.poll() is not None:  # reaped: its pid could belong to another process by now
        pytest.fail(f"the grading run ended (exit {run.returncode}) before it could be killed midway")
    os.killpg(run.pid, signal.SIGKILL)  # the grading run and its workers die mid-batch (unreaped: pid still ours)
    run.wait()
    assert row_counts(path)["submitted_assignment"] < len(expected)
    grade_week(root, WEEK, jobs=2, db_url=db_url)
    assert scores(db_url) == expected
    assert row_counts(path)["submitted_assignment"] == len(expected)


def test_postgresql_gradebook_sequential_and_parallel_agree(sequential):
    require_postgres(pytest)
    root, expected = sequential
    server = PostgresServer().start()
    try:
        urls = {mode: server.create_database(mode) for mode in ("sequential", "parallel")}
        for url in urls.values():
            course.nbgrader("generate_assignment", WEEK, "--force", f"--CourseDirectory.db_url={url}", root=root)
        course.nbgrader("autograde", WEEK, "--force", f"--CourseDirectory.db_url={urls['sequential']}", root=root)
        assert scores(urls["sequential"]) == expected
        grade_week(root, WEEK, jobs=2, db_url=urls["parallel"])
        assert scores(urls["parallel"]) == expected
    finally:
        server.stop()


def test_dask_cluster_gives_the_same_scores(sequential, tmp_path):
    from distributed import Client, LocalCluster
    root, expected = sequential
    db_url, _ = empty_gradebook_copy(root, tmp_path)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        grade_week(root, WEEK, scheduler=cluster.scheduler_address, db_url=db_url)
        with Client(cluster) as client:  # the canary ran on one worker; every worker got its recorded answers
            held = client.run(lambda: sum(map(len, __import__("autograder.replay").replay.BOOK.answers.values())))
    assert scores(db_url) == expected
    assert len(held) == 2 and all(count > 0 for count in held.values()), held


def test_an_empty_submission_folder_gets_a_row_of_zeros_and_the_reason(sequential, tmp_path):
    root, expected = sequential
    db_url, _ = empty_gradebook_copy(root, tmp_path)
    folder = root / "submitted" / "empty" / WEEK
    folder.mkdir(parents=True)
    try:
        [record] = grade_week(root, WEEK, jobs=1, db_url=db_url, students=["empty"])
    finally:
        folder.rmdir()
        folder.parent.rmdir()
    assert not record.success and "no notebook submitted" in record.error
    row = course.grade_table([WEEK], db_url=db_url)[("empty", WEEK)]
    assert row["total"] == (0.0, 10.0)
