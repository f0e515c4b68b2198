"""The ``autograder`` command (also ``python -m autograder``).

    autograder demo [--insecure]         release, autograde the sample submissions, print grades
    autograder grade WEEK [--jobs N]     autograde every submission of WEEK in parallel (or on a Dask cluster)
    autograder grades WEEK [WEEK ...]    print the grade table from the gradebook
    autograder export WEEK --csv F --gradescope DIR   per-item CSV, Gradescope results.json per submission
    autograder sync-notebooks [--check]  copy solutions/ into the answer cells (or check they agree)
    autograder check WEEK NOTEBOOK       grade one notebook with the hidden checks and print feedback
    autograder clauses [--write]         every item's promises and the checks that enforce them (CLAUSES.md)
"""
import argparse
import sys
from pathlib import Path

from rich.console import Console


def main(argv=None):
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="release, autograde the sample submissions, print the grade table")
    demo.add_argument("--weeks", nargs="+", default=None)
    demo.add_argument("--insecure", action="store_true", help="grade without a sandbox (never for real grades)")
    grade = sub.add_parser("grade", help="autograde every submission of a week in parallel")
    grade.add_argument("week")
    grade.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    grade.add_argument("--scheduler", default=None, help="a Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    grade.add_argument("--db-url", default=None, help="gradebook URL (default: the course's, SQLite)")
    grade.add_argument("--student", nargs="+", default=None, help="only these students")
    grade.add_argument("--root", default=".", help="the course folder (where nbgrader_config.py is)")
    grades = sub.add_parser("grades", help="print the grade table of the gradebook")
    grades.add_argument("weeks", nargs="+")
    export = sub.add_parser("export", help="per-item CSV and Gradescope results.json files")
    export.add_argument("week")
    export.add_argument("--csv", default=None, help="write student x item points to this CSV file")
    export.add_argument("--gradescope", default=None, help="write DIR/STUDENT/results.json (Gradescope format)")
    export.add_argument("--root", default=".")
    sync = sub.add_parser("sync-notebooks", help="copy solutions/ into the source notebooks' answer cells")
    sync.add_argument("--check", action="store_true", help="only report differences (exit 1 if any)")
    check = sub.add_parser("check", help="grade one notebook with the hidden checks and print the feedback")
    check.add_argument("week")
    check.add_argument("notebook")
    check.add_argument("--insecure", action="store_true")
    clauses = sub.add_parser("clauses", help="print the table of every item's promises and their checks")
    clauses.add_argument("--write", action="store_true", help="write autograder/checks/CLAUSES.md")
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 140))

    if args.command == "demo":
        from .demo import DEMO_WEEKS, run_demo
        run_demo(tuple(args.weeks or DEMO_WEEKS), insecure=args.insecure, console=console)
    elif args.command == "grade":
        return _grade(args, console)
    elif args.command == "grades":
        from .course import grade_table
        from .demo import render_table
        table = grade_table(args.weeks)
        for week in args.weeks:
            console.print(render_table(week, table))
    elif args.command == "export":
        from .export import gradescope_results, items_csv
        if args.csv:
            console.print(f"wrote {items_csv(args.week, args.csv, root=args.root)}")
        if args.gradescope:
            paths = gradescope_results(args.week, args.gradescope, root=args.root)
            console.print(f"wrote {len(paths)} results.json files under {args.gradescope}")
    elif args.command == "sync-notebooks":
        return _sync(args.check, console)
    elif args.command == "clauses":
        from .checks.clauses import clause_table
        from .notebooks import ROOT, weeks
        table = clause_table(weeks())
        if args.write:
            (ROOT / "autograder" / "checks" / "CLAUSES.md").write_text(table)
        else:
            print(table)
    elif args.command == "check":
        return _check(args.week, args.notebook, args.insecure, console)
    return 0


def _grade(args, console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from .batch import course_db_url, grade_week, submitted_students
    from .course import grade_table
    from .demo import render_table
    students = args.student or submitted_students(args.root, args.week)
    if not students:
        console.print(f"[red]error:[/] no submissions of {args.week} in {args.root}/submitted")
        return 2
    failed = []
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("failed: {task.fields[failed]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"grading {args.week}", total=len(students), failed=0)

        def advance(record, done, total):
            if not record.success:
                failed.append(record)
            bar.update(task, completed=done, failed=len(failed))
        grade_week(args.root, args.week, jobs=args.jobs, students=students, scheduler=args.scheduler,
                   db_url=args.db_url, progress=advance)
    for record in failed:
        console.print(f"[red]{record.student}[/]: not graded: {record.error}", markup=True, highlight=False)
    db_url = course_db_url(args.root, args.db_url)
    console.print(render_table(args.week, grade_table([args.week], db_url=db_url)))
    return 0


def _sync(check_only, console):
    import nbformat

    from .notebooks import read_notebook, source_notebook_path, sync_answer_cells, weeks
    differing = 0
    for week in weeks():
        path = source_notebook_path(week)
        nb = read_notebook(path)
        changed = sync_answer_cells(nb, week)
        if changed:
            differing += 1
            console.print(f"{week}: answer cells differ from solutions/{week}.py: {', '.join(changed)}")
            if not check_only:
                nbformat.write(nb, str(path))
    if check_only and differing:
        return 1
    console.print("Notebooks and solutions agree." if not differing else f"Updated {differing} notebook(s).")
    return 0


def _check(week, notebook, insecure, console):
    from .implementation import SandboxedImplementation
    from .notebooks import NotebookError, cells_for_grading, read_notebook
    from .runner import forbidden_patterns, run_checks
    from .sandbox.launchers import SandboxUnavailable, choose_launcher
    try:
        nb = read_notebook(notebook)
        launcher = choose_launcher("bubblewrap", allow_insecure=insecure)
    except (NotebookError, SandboxUnavailable) as exc:
        console.print(f"[red]error:[/] {exc}")
        return 2
    from .submitted_files import SubmittedFiles
    # the files beside the notebook (a trained checkpoint) are read by this process, as in autograde
    impl = SandboxedImplementation(cells_for_grading(nb), forbidden_patterns(week), launcher,
                                   files=SubmittedFiles(Path(notebook).resolve().parent))
    try:
        results = run_checks(week, impl)
    finally:
        impl.close()
    for result in results.values():
        console.print(result.feedback, markup=False, highlight=False)
    return 0 if all(r.passed for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
