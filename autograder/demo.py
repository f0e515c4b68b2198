"""``autograder demo``: the instructor's main job on sample submissions.

Release each week with nbgrader, submit the reference, the blank release and
the typical mistakes in ``autograder/samples``, autograde, generate feedback,
and print the grade table.
"""
import time

from rich.console import Console
from rich.table import Table

from . import course
from .runner import week_items

DEMO_WEEKS = ("w01_rnn", "w02_lstm")


def run_demo(weeks=DEMO_WEEKS, insecure=False, console=None):
    console = console or Console()
    if insecure:
        console.print("[bold red]WARNING: grading WITHOUT a sandbox (--insecure). Student code could read and "
                      "change this machine. Never use this for real grades.[/]")
    started = time.monotonic()
    course.clean_build_output()
    for week in weeks:
        console.print(f"[bold]{week}[/]: nbgrader generate_assignment")
        course.nbgrader("generate_assignment", week, "--force")
        students = course.sample_students(week)
        for student, definitions in students.items():
            handed_in = course.reference_files(week) if definitions is not None else ()  # trained checkpoints
            course.write_submission(course.make_submission(week, definitions), student, week, files=handed_in)
        console.print(f"[bold]{week}[/]: nbgrader autograde ({len(students)} submissions)")
        course.nbgrader("autograde", week, "--force", insecure=insecure)
        console.print(f"[bold]{week}[/]: nbgrader generate_feedback")
        course.nbgrader("generate_feedback", week, "--force")
    table = course.grade_table(weeks)
    for week in weeks:
        console.print(render_table(week, table))
    console.print(f"Done in {time.monotonic() - started:.0f} s. Feedback: feedback/STUDENT/WEEK/WEEK.html")
    return table


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
