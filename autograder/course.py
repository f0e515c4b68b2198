"""The instructor's course folder: releasing, collecting sample submissions,
running nbgrader, and reading the gradebook. Every nbgrader step runs the real
``nbgrader`` command from the repository root, exactly as an instructor would."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .notebooks import ROOT, is_answer_cell, nbgrader_meta, read_notebook, solution_sources
from .samples import samples
from .submitted_files import SubmittedFiles

NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def nbgrader(*args, insecure=False, root=ROOT, check=True):
    """Run an nbgrader subcommand in the course root; returns the completed process."""
    argv = [NBGRADER, *args]
    if insecure:
        argv += ["--Sandbox.kind=none", "--Sandbox.allow_insecure=True"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc


CODE_FOLDERS = ("autograder", "solutions", "course_data")


def new_course(root, weeks, extra_config="", copy_code=False):
    """A fresh course folder at ``root`` with ``weeks`` released (for tests and benchmarks).

    copy_code: also copy the course's code (``autograder``, ``solutions``, ``course_data``) into it, as an
    instructor who keeps a copy of the repository apart from the installed package has it: nbgrader then imports
    the grader and the data loaders from the course folder, not from the installed package."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if copy_code:
        for name in CODE_FOLDERS:
            shutil.copytree(ROOT / name, root / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    config = (ROOT / "nbgrader_config.py").read_text() + "\n" + extra_config
    (root / "nbgrader_config.py").write_text(config)
    for week in weeks:
        shutil.copytree(ROOT / "assignments" / week, root / "assignments" / week, dirs_exist_ok=True)
        nbgrader("generate_assignment", week, "--force", root=root)
    return root


def release_path(week, root=ROOT):
    return Path(root) / "release" / week / f"{week}.ipynb"


def submission_path(student, week, root=ROOT):
    return Path(root) / "submitted" / student / week / f"{week}.ipynb"


def make_submission(week, definitions, root=ROOT):
    """A filled-in copy of the release notebook: the reference answers, with
    ``definitions`` (item -> source) replacing some of them. None: the blank release."""
    nb = read_notebook(release_path(week, root))
    if definitions is not None:
        sources = {**solution_sources(week), **definitions}
        for cell in nb.cells:
            if is_answer_cell(cell):
                cell.source = sources[nbgrader_meta(cell)["grade_id"]]
    return nb


def write_submission(nb, student, week, root=ROOT, files=()):
    """Write ``nb`` as the student's submission, with ``files`` (paths) handed in beside it."""
    path = submission_path(student, week, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    for file in files:
        shutil.copyfile(file, path.parent / Path(file).name)
    return path


def reference_files(week):
    """The files a student hands in beside the notebook, as the reference solution made them (trained
    checkpoints; none for most weeks)."""
    folder = SubmittedFiles.reference(week).folder
    return sorted(folder.glob("*.pt")) if folder.is_dir() else []


def sample_students(week):
    """{student id: definitions} for the demo: the reference, the blank release, every correct sample and, for each
    set of items a mistake breaks, the first wrong sample that breaks them (the tests grade every sample; the demo
    shows a class)."""
    students = {"reference": {}, "blank": None}
    shown = set()
    for sample in samples(week):
        broken = frozenset(sample.expect)
        if sample.correct or broken not in shown:
            students[sample.name.replace("_", "-")] = sample.definitions
            shown.add(broken)
    return students


def clean_build_output(root=ROOT):
    for name in ("release", "submitted", "autograded", "feedback"):
        shutil.rmtree(Path(root) / name, ignore_errors=True)
    for name in ("gradebook.db",):
        path = Path(root) / name
        if path.exists():
            path.unlink()


def grade_table(weeks, db_url=None, root=ROOT):
    """{(student, week): {"items": {item: (score, max)}, "total": (score, max)}} from the gradebook."""
    db_url = db_url or f"sqlite:///{Path(root) / 'gradebook.db'}"
    table = {}
    with Gradebook(db_url) as gb:
        for week in weeks:
            for student in sorted(s.id for s in gb.students):
                try:
                    nb = gb.find_submission_notebook(week, week, student)
                except MissingEntry:
                    continue
                items = {g.name.removeprefix("test_"): (g.score, g.max_score) for g in nb.grades
                         if g.name.startswith("test_")}
                table[(student, week)] = {"items": items, "total": (nb.score, nb.max_score)}
    return table
