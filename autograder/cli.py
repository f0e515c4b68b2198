"""The ``autograder`` command (also ``python -m autograder``).

    autograder demo [--insecure] [--language ru]
                                         release, autograde the sample submissions, print grades
    autograder grade WEEK [--jobs N] [--Class.trait=VALUE ...]
                                         autograde every submission of WEEK in parallel (or on a Dask cluster),
                                         with nbgrader's configuration flags, e.g. --Execute.timeout=60
    autograder grades WEEK [WEEK ...]    print the grade table from the gradebook
    autograder export WEEK --csv F --gradescope DIR   per-item CSV, Gradescope results.json per submission
    autograder report WEEK [--names]     the class report: score histogram, pass rates, the mistakes the grader
                                         named, counted (reports/WEEK/index.html and CSV files)
    autograder sync-notebooks [--check]  copy solutions/ into the answer cells (or check they agree)
    autograder check WEEK NOTEBOOK       grade one notebook with the hidden checks and print feedback
    autograder clauses [--write]         every item's promises and the checks that enforce them (CLAUSES.md)
    autograder translations [--update] [--language ru]
                                         list untranslated or stale entries of the language's catalogues (exit 1
                                         if any); --update first brings them in step with the English notebooks
    autograder lectures [WEEK ...] [--out DIR] [--language ru]
                                         execute the lectures (default: every week), write them as reveal.js
                                         slides and HTML pages that open offline, into build/lectures/
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
    demo.add_argument("--language", default=None, choices=("en", "ru"),
                      help="the course's language (default: nbgrader_config.py's c.Course.language)")
    grade = sub.add_parser("grade", help="autograde every submission of a week in parallel",
                           epilog="Also takes the configuration flags of `nbgrader autograde` (traitlets), as "
                                  "--Class.trait=VALUE, e.g. --Execute.timeout=60 --RunHiddenChecks.call_timeout=5 "
                                  "--Sandbox.kind=none --Sandbox.allow_insecure=True")
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
    report = sub.add_parser("report", help="a page (and CSV files) about the class: scores, pass rates, mistakes")
    report.add_argument("week")
    report.add_argument("--names", action="store_true", help="name the students (a table and students.csv)")
    report.add_argument("--out", default=None, help="output folder (default: ROOT/reports/WEEK)")
    report.add_argument("--db-url", default=None, help="gradebook URL (default: the course's)")
    report.add_argument("--root", default=".")
    sync = sub.add_parser("sync-notebooks", help="copy solutions/ into the source notebooks' answer cells")
    sync.add_argument("--check", action="store_true", help="only report differences (exit 1 if any)")
    check = sub.add_parser("check", help="grade one notebook with the hidden checks and print the feedback")
    check.add_argument("week")
    check.add_argument("notebook")
    check.add_argument("--insecure", action="store_true")
    clauses = sub.add_parser("clauses", help="print the table of every item's promises and their checks")
    clauses.add_argument("--write", action="store_true", help="write autograder/checks/CLAUSES.md")
    lectures = sub.add_parser("lectures", help="execute the lectures; write slides and HTML pages that open offline")
    lectures.add_argument("weeks", nargs="*", help="lectures to build, e.g. w01_rnn (default: every week)")
    lectures.add_argument("--out", default=None, help="output folder (default: build/lectures)")
    lectures.add_argument("--language", default="en", choices=("en", "ru"), help="the language of the lectures")
    translations = sub.add_parser("translations", help="report untranslated or stale entries (exit 1 if any)")
    translations.add_argument("--language", default="ru", choices=("ru",))
    translations.add_argument("--update", action="store_true",
                              help="first add new English text to the catalogues and mark changed text stale")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "grade":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    console = Console(width=max(Console().width, 140))

    if args.command == "demo":
        from .demo import DEMO_WEEKS, DemoFailed, run_demo
        try:
            run_demo(tuple(args.weeks or DEMO_WEEKS), insecure=args.insecure, console=console, language=args.language)
        except DemoFailed as exc:
            console.print(f"[red]error:[/] {exc}", highlight=False)
            return 1
    elif args.command == "grade":
        try:
            args.config = config_flags(extra)
        except ConfigFlagError as exc:
            grade.error(str(exc))
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
    elif args.command == "report":
        from .report import NoSubmissions, write_report
        try:
            index = write_report(args.week, root=args.root, out=args.out, names=args.names, db_url=args.db_url)
        except NoSubmissions as exc:
            console.print(f"[red]error:[/] {exc}", highlight=False)
            return 2
        console.print(f"wrote {index} (and CSV files beside it)", highlight=False)
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
    elif args.command == "translations":
        return _translations(args.language, args.update, console)
    elif args.command == "lectures":
        from .lectures import BUILD, build
        from .translations import TranslationError
        try:
            build(args.weeks, out=args.out or BUILD, log=lambda line: console.print(line, highlight=False),
                  language=args.language)
        except (FileNotFoundError, ModuleNotFoundError, TranslationError) as exc:
            console.print(f"[red]error:[/] {exc}", highlight=False)
            return 2
    return 0


def _grade(args, console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from .batch import course_db_url, grade_week, submitted_students
    from .canary import ReferenceCanaryFailed
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
        try:
            grade_week(args.root, args.week, jobs=args.jobs, students=students, scheduler=args.scheduler,
                       db_url=args.db_url, progress=advance, extra_config=args.config)
        except ReferenceCanaryFailed as exc:
            bar.stop()
            console.print(f"[red]error:[/] {exc}", highlight=False)
            return 2
    for record in failed:
        console.print(f"[red]{record.student}[/]: not graded: {record.error}", markup=True, highlight=False)
    db_url = course_db_url(args.root, args.db_url)
    console.print(render_table(args.week, grade_table([args.week], db_url=db_url)))
    return 0


class ConfigFlagError(ValueError):
    """A configuration flag that nbgrader autograde would not understand or accept."""


def config_flags(flags):
    """nbgrader's configuration flags (``--Class.trait=VALUE``) as a traitlets Config, checked.

    Parsed by traitlets' own command-line loader, as ``nbgrader autograde`` parses them; each setting must name a
    configurable class that grading uses and one of its settings, with a value that setting accepts. Values come
    back converted (``--Execute.timeout=10`` gives the int 10). Raises ConfigFlagError.
    """
    from traitlets.config import Config
    from traitlets.config.loader import ArgumentError, KVArgParseConfigLoader
    if not flags:
        return Config()
    loose = [f for f in flags if f.startswith("-") and "." not in f.split("=", 1)[0]]
    if loose:
        raise ConfigFlagError(f"unrecognized arguments: {' '.join(loose)}")
    classes = _configurable_classes()

    def refuse(parser, message):
        raise ConfigFlagError(message)

    class Loader(KVArgParseConfigLoader):
        parser_class = type("Parser", (KVArgParseConfigLoader.parser_class,), {"error": refuse})

        def _handle_unrecognized_alias(self, arg):
            raise ConfigFlagError(f"unrecognized arguments: --{arg}")

    loader = Loader(argv=list(flags), classes=[c for group in classes.values() for c in group])
    try:
        config = loader.load_config()
    except ArgumentError as exc:
        raise ConfigFlagError(str(exc)) from None
    if loader.extra_args:
        raise ConfigFlagError(f"unrecognized arguments: {' '.join(loader.extra_args)} (configuration flags are "
                              "--Class.trait=VALUE)")
    return _checked(config, classes)


def _configurable_classes():
    """{class name: [classes]}: every configurable class loaded with nbgrader's apps and the course's own."""
    import nbgrader.apps  # noqa: F401 (every nbgrader app, converter, preprocessor and exporter)
    from traitlets.config import Configurable

    from . import exporter, preprocessors  # noqa: F401 (the classes nbgrader_config.py names)
    from .sandbox import kernel  # noqa: F401
    found, todo = {}, [Configurable]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, []).append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _checked(config, classes):
    import difflib

    from traitlets import HasTraits, TraitError
    from traitlets.config import Config
    from traitlets.config.loader import DeferredConfig
    checked = Config()
    for section, values in config.items():
        if section not in classes:
            close = difflib.get_close_matches(section, classes, n=3)
            raise ConfigFlagError(f"--{section}.{next(iter(values), '')}: no configurable class named {section!r}"
                                  + (f" (did you mean {' or '.join(close)}?)" if close else ""))
        traits = {}
        for cls in classes[section]:
            traits = {**cls.class_traits(config=True), **traits}
        for key, value in values.items():
            flag = f"--{section}.{key}"
            if key not in traits:
                close = difflib.get_close_matches(key, traits, n=3)
                raise ConfigFlagError(f"{flag}: {section} has no setting {key!r}"
                                      + (f" (did you mean {' or '.join(close)}?)" if close else ""))
            trait, given = traits[key], value
            try:
                if isinstance(value, DeferredConfig):
                    value = value.get_value(trait)
                value = trait.validate(HasTraits(), value)
            except (TraitError, ValueError, TypeError):
                raise ConfigFlagError(f"{flag}={given}: {section}.{key} expects {trait.info()}") from None
            checked[section][key] = value
    return checked


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


def _translations(language, update, console):
    from . import translations
    trouble = []
    for kind, name in translations.catalogues():
        if update:
            translations.update(language, kind, name)
        trouble += translations.problems(language, kind, name)
    for line in trouble:
        console.print(line, highlight=False, markup=False)
    console.print(f"{len(trouble)} entries to translate or fix" if trouble else f"the {language} catalogues are "
                  "complete and up to date", highlight=False)
    return 1 if trouble else 0


def _check(week, notebook, insecure, console):
    from .canary import ReferenceCanaryFailed, check_reference
    from .notebooks import NotebookError, cells_for_grading, read_notebook
    from .preprocessors import RunHiddenChecks
    from .runner import grade_cells
    from .sandbox.launchers import SandboxUnavailable, choose_launcher
    from .submitted_files import SubmittedFiles
    try:
        nb = read_notebook(notebook)
        launcher = choose_launcher("bubblewrap", allow_insecure=insecure, warm=True)
    except (NotebookError, SandboxUnavailable) as exc:
        console.print(f"[red]error:[/] {exc}")
        return 2
    config = None
    if Path("nbgrader_config.py").exists():  # the course's limits, as nbgrader autograde would use them
        from .batch import load_course_config
        config = load_course_config(Path(".").resolve())
    limits = RunHiddenChecks(config=config)
    try:
        check_reference(week, launcher, limits.call_timeout, limits.cell_timeout)
    except ReferenceCanaryFailed as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    # the files beside the notebook (a trained checkpoint) are read by this process, as in autograde
    results, _ = grade_cells(week, cells_for_grading(nb), launcher, limits.call_timeout, limits.cell_timeout,
                             SubmittedFiles(Path(notebook).resolve().parent))
    for result in results.values():
        console.print(result.feedback, markup=False, highlight=False)
    return 0 if all(r.passed for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
