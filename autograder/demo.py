"""``autograder demo``: the instructor's main job on sample submissions.

Release each week with nbgrader, submit the reference, the blank release and
the typical mistakes in ``autograder/samples``, autograde, generate feedback,
and print the grade table.

Every step is nbgrader's own (``NbGraderAPI``: the same apps and the course's
``nbgrader_config.py`` as the ``nbgrader`` command), run in this process: one
submission at a time, so a progress bar shows each week's students done, out of
how many, and the time left, while nbgrader's log is kept out of the way (shown
only if a step fails).
"""
import contextlib
import logging
import os
import time
import warnings
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
    TimeRemainingColumn
from rich.table import Table

from . import course, report
from .notebooks import ROOT
from .runner import week_items

DEMO_WEEKS = ("w01_rnn", "w02_lstm")


class DemoFailed(RuntimeError):
    """An nbgrader step of the demo failed; the message says which and why."""


def run_demo(weeks=DEMO_WEEKS, insecure=False, console=None, root=ROOT, language=None):
    """language: the course's language for this run ("en" or "ru"; default: nbgrader_config.py's)."""
    console = console or Console()
    if insecure:
        console.print("[bold red]WARNING: grading WITHOUT a sandbox (--insecure). Student code could read and "
                      "change this machine. Never use this for real grades.[/]")
    started = time.monotonic()
    course.clean_build_output(root)
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("submissions"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[step]}")]
    with _quiet(), Progress(*columns, console=console, speed_estimate_period=3600) as progress:
        api = _nbgrader_api(root, insecure, language)
        tasks = {week: progress.add_task(week, total=None, start=False, step="") for week in weeks}
        for week in weeks:
            task = tasks[week]
            progress.update(task, step="nbgrader generate_assignment")
            _run(api.generate_assignment(week, force=True, create=True), f"nbgrader generate_assignment {week}")
            students = course.sample_students(week)
            for student, definitions in students.items():
                handed_in = course.reference_files(week) if definitions is not None else ()  # trained checkpoints
                course.write_submission(course.make_submission(week, definitions, root=root), student, week,
                                        root=root, files=handed_in)
            progress.update(task, total=len(students))
            progress.start_task(task)
            for done, student in enumerate(students, 1):
                progress.update(task, step=f"nbgrader autograde: {student}")
                _run(api.autograde(week, student, force=True, create=True),
                     f"nbgrader autograde {week} --student {student}")
                progress.update(task, completed=done)
                if not console.is_terminal:  # no live bar (a log file, CI): one line per submission instead
                    console.print(f"{week}: graded {student} ({done}/{len(students)})", highlight=False)
            progress.update(task, step="nbgrader generate_feedback")
            _run(api.generate_feedback(week, force=True), f"nbgrader generate_feedback {week}")
            progress.stop_task(task)
            progress.update(task, step="[green]done")
    table = course.grade_table(weeks, root=root)
    for week in weeks:
        console.print(render_table(week, table))
    reports = [report.write_report(week, root=root, language=language) for week in weeks]
    console.print(f"Done in {time.monotonic() - started:.0f} s. Feedback: feedback/STUDENT/WEEK/WEEK.html")
    for path in reports:
        console.print(f"Class report: {Path(path).resolve().relative_to(Path(root).resolve())}", highlight=False)
    return table


def _nbgrader_api(root, insecure, language=None):
    """nbgrader's API on the course at ``root``, logging only into the log each step returns."""
    from nbgrader.apps.api import NbGraderAPI

    from .batch import load_course_config
    config = load_course_config(root)
    if insecure:  # what `nbgrader autograde --Sandbox.kind=none --Sandbox.allow_insecure=True` sets
        config.Sandbox.kind = "none"
        config.Sandbox.allow_insecure = True
    if language:  # what `nbgrader ... --Course.language=ru` sets
        config.Course.language = language
    log = logging.getLogger("autograder.demo.nbgrader")
    log.propagate = False
    log.setLevel(logging.INFO)
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return NbGraderAPI(config=config, log=log)


def _run(result, what):
    """Raise DemoFailed with nbgrader's error lines unless the step succeeded."""
    if result.get("success"):
        return
    log = result.get("log") or ""
    errors = [line for line in log.splitlines() if line.startswith(("[ERROR]", "[CRITICAL]"))]
    if not errors:
        errors = (result.get("error") or log or "no log").strip().splitlines()[-15:]
    raise DemoFailed(f"{what} failed:\n" + "\n".join(errors))


@contextlib.contextmanager
def _quiet():
    """No Python warnings on the console, here or in the processes nbgrader starts (as the ``nbgrader`` command
    was run before: with PYTHONWARNINGS=ignore)."""
    saved = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved


def render_table(week, table):
    items = week_items(week)
    out = Table(title=f"{week}: points per item", show_lines=False)
    out.add_column("student")
    for item in items:
        out.add_column(item, justify="right")
    out.add_column("total", justify="right", style="bold")
    for (student, w), row in sorted(table.items()):
        if w != week:
            continue
        cells = [_points(row["items"].get(item)) for item in items]
        out.add_row(student, *cells, f"{row['total'][0]:g} / {row['total'][1]:g}")
    return out


def _points(entry):
    if entry is None:
        return "-"
    score, max_score = entry
    return f"[green]{score:g}[/]" if score == max_score else f"[red]{score:g}[/]"
