"""``autograder grade WEEK --jobs N``: grade every submission of a week in parallel.

Each submission is graded by the real nbgrader pipeline (``NbGraderAPI.autograde``
with the course's ``nbgrader_config.py``: the same sandbox and trusted checks as
``nbgrader autograde``) in a worker process, against a private copy of the
gradebook. Workers never write the course gradebook: they return their grades
as plain data and this process, the only writer, merges them. So SQLite is safe,
an interrupted run keeps every merged grade, and a re-run overwrites rather than
duplicates. With ``scheduler`` the same tasks go to a Dask cluster.
"""
import os
import shutil
import warnings
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning
from traitlets.config.loader import PyFileConfigLoader


@dataclass
class GradeRecord:
    """What grading one submission produced, as plain data."""
    student: str
    week: str
    success: bool
    error: str = ""
    seconds: float = 0.0
    timestamp: object = None
    notebooks: dict = field(default_factory=dict)  # nb -> {"late_penalty", "grades": {...}, "comments": {...}}


def load_course_config(root, db_url=None):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config


def course_db_url(root, db_url=None):
    """The gradebook URL: given, or the course's (nbgrader resolves its default against the course root)."""
    from nbgrader.coursedir import CourseDirectory
    return db_url or CourseDirectory(config=load_course_config(root)).db_url


def submitted_students(root, week):
    base = Path(root) / "submitted"
    return sorted(p.name for p in base.iterdir() if (p / week).is_dir()) if base.is_dir() else []


def grade_one(root, week, student, template_db, extra_config=None):
    """Grade one submission into a private copy of the gradebook; return a GradeRecord.

    Runs in a worker process (local or Dask). ``template_db``: a SQLite file
    that already holds the assignment (copied, never written).
    """
    from nbgrader.apps.api import NbGraderAPI
    started = time.monotonic()
    folder = Path(root) / "submitted" / student / week
    if not any(folder.glob("*.ipynb")):
        # stock nbgrader skips such a folder without a trace; here the student gets a row of zeros and the reason
        return GradeRecord(student, week, False, f"no notebook submitted: submitted/{student}/{week} holds no .ipynb")
    private = Path(tempfile.mkdtemp(prefix=f"grade-{student}-"))
    try:
        shutil.copy(template_db, private / "gradebook.db")
        db_url = f"sqlite:///{private / 'gradebook.db'}"
        config = load_course_config(root, db_url)
        for section, values in (extra_config or {}).items():
            for key, value in values.items():
                setattr(config[section], key, value)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_AUTOFLUSH_WARNING, category=SAWarning)
            result = NbGraderAPI(config=config).autograde(week, student, force=True, create=True)
        record = GradeRecord(student, week, bool(result.get("success")), _last_error(result))
        _read_grades(db_url, week, student, record)
    except Exception as exc:  # a broken submission must not stop the batch
        record = GradeRecord(student, week, False, f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(private, ignore_errors=True)
    record.seconds = time.monotonic() - started
    return record


def _last_error(result):
    if result.get("success"):
        return ""
    text = result.get("error") or result.get("log") or "autograde failed"
    lines = [l for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if "ERROR" in l or "Error" in l]
    return (errors[-1] if errors else lines[-1] if lines else "autograde failed")[-500:]


def _read_grades(db_url, week, student, record):
    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(week, student)
        except Exception:
            return
        record.timestamp = submission.timestamp
        for nb in submission.notebooks:
            record.notebooks[nb.name] = {
                "late_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "needs_manual_grade": g.needs_manual_grade}
                           for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }


# nbgrader's add_submission makes SQLAlchemy warn while it autoflushes a new submission; the rows are written all
# the same (the tests compare every row with sequential nbgrader autograde)
_AUTOFLUSH_WARNING = ".*not in session, add operation along"


def merge(record, db_url):
    """Write one record into the course gradebook (idempotent: re-running overwrites)."""
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.filterwarnings("ignore", message=_AUTOFLUSH_WARNING, category=SAWarning)
        gb.update_or_create_student(record.student)
        submission = gb.update_or_create_submission(record.week, record.student, timestamp=record.timestamp)
        for nb in submission.notebooks:
            data = record.notebooks.get(nb.name)
            if data is None:
                continue
            nb.late_submission_penalty = data["late_penalty"]
            for grade in nb.grades:
                values = data["grades"].get(grade.name)
                if values is not None:
                    grade.auto_score = values["auto_score"]
                    grade.needs_manual_grade = values["needs_manual_grade"]
            for comment in nb.comments:
                if comment.name in data["comments"]:
                    comment.auto_comment = data["comments"][comment.name]
        gb.db.commit()


def run_canary(root, week, extra_config=None):
    """The reference canary (``autograder.canary``) with the course's configuration: raises if it fails. Returns the
    reference's answers it recorded (``ExampleBook.answers``), for grading processes it is not the parent of."""
    from .canary import check_reference
    from .preprocessors import ReferenceCanary, RunHiddenChecks, Sandbox
    from .replay import BOOK
    config = load_course_config(root)
    for section, values in (extra_config or {}).items():
        for key, value in values.items():
            setattr(config[section], key, value)
    checks = RunHiddenChecks(config=config)
    if ReferenceCanary(config=config).enabled:
        check_reference(week, Sandbox(config=config).launcher(), checks.call_timeout, checks.cell_timeout)
    return dict(BOOK.answers)


def use_answers(answers):
    """In a Dask worker: take the reference's answers a canary recorded on another worker."""
    from .replay import BOOK
    for check, known in answers.items():
        BOOK.answers.setdefault(check, known)


def grade_week(root, week, jobs=None, students=None, scheduler=None, db_url=None, progress=None, extra_config=None):
    """Grade ``students`` (default: every submission) of ``week``; returns the records.

    The reference canary runs once, first (here, or on the cluster), and the grading processes skip it.
    progress: optional callable(record, done, total) called after each merge.
    """
    root = Path(root).resolve()
    db_url = course_db_url(root, db_url)
    students = students or submitted_students(root, week)
    jobs = jobs or os.cpu_count() or 1
    if scheduler:
        from distributed import Client
        with Client(scheduler) as client:
            answers = client.submit(run_canary, str(root), week, extra_config, pure=False).result()
            client.run(use_answers, answers)  # every worker's checks answer the reference's questions themselves
    else:
        run_canary(root, week, extra_config)
    extra_config = {**(extra_config or {})}
    extra_config["ReferenceCanary"] = {**extra_config.get("ReferenceCanary", {}), "enabled": False}  # done above
    with tempfile.TemporaryDirectory(prefix="grade-template-") as tmp:
        template = Path(tmp) / "template.db"
        _make_template(db_url, week, template)
        if scheduler:
            records = _run_dask(scheduler, root, week, students, template, extra_config, db_url, progress)
        else:
            records = _run_local(jobs, root, week, students, template, extra_config, db_url, progress)
    return records


def _make_template(db_url, week, path):
    """A private SQLite gradebook with the assignment's structure (no student rows needed)."""
    from nbgrader.api import Gradebook as GB
    with GB(db_url) as source, GB(f"sqlite:///{path}") as target:
        assignment = source.find_assignment(week)
        target.update_or_create_assignment(week, duedate=assignment.duedate)
        for nb in assignment.notebooks:
            target.update_or_create_notebook(nb.name, week)
            for cell in nb.grade_cells:
                target.update_or_create_grade_cell(cell.name, nb.name, week, max_score=cell.max_score,
                                                   cell_type=cell.cell_type)
            for cell in nb.solution_cells:
                target.update_or_create_solution_cell(cell.name, nb.name, week)
            for cell in nb.task_cells:
                target.update_or_create_task_cell(cell.name, nb.name, week, max_score=cell.max_score,
                                                  cell_type=cell.cell_type)
            for cell in nb.source_cells:
                target.update_or_create_source_cell(cell.name, nb.name, week, source=cell.source,
                                                    cell_type=cell.cell_type, locked=cell.locked,
                                                    checksum=cell.checksum)


def _run_local(jobs, root, week, students, template, extra_config, db_url, progress):
    records = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, str(root), week, s, str(template), extra_config): s for s in students}
        try:
            for future in as_completed(futures):
                records.append(_merge_result(future.result(), db_url, records, len(students), progress))
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
    return records


def _run_dask(scheduler, root, week, students, template, extra_config, db_url, progress):
    from distributed import Client, as_completed as dask_completed
    records = []
    with Client(scheduler) as client:
        futures = [client.submit(grade_one, str(root), week, s, str(template), extra_config, key=f"grade-{week}-{s}",
                                 pure=False) for s in students]
        for future in dask_completed(futures):
            records.append(_merge_result(future.result(), db_url, records, len(students), progress))
    return records


def _merge_result(record, db_url, records, total, progress):
    merge(record, db_url)
    if progress:
        progress(record, len(records) + 1, total)
    return record
