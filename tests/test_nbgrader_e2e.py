"""End to end through the real nbgrader commands, in a temporary course folder outside the repository that holds its
own copy of the course's code (an instructor's copy of the repository: nbgrader imports the grader and the data
loaders from there, while the installed package points at this checkout)."""
import csv
import json
import re
from pathlib import Path

import pytest

from autograder import course, report
from autograder.notebooks import weeks
from autograder.samples import samples

pytestmark = [pytest.mark.slow]
WEEKS = weeks()
# Two weeks grade their wrong samples a second time, with the hidden checks after the notebook instead of beside
# it (hypothesis searching for and shrinking a counterexample, and student code drawing from the global random
# state, are where a grade could drift): a function week, and the training week whose samples draw from the global
# random state. The path is the same code for every week; every week's grades are compared with grading in another
# process by test_course_copy_grades_as_the_repository, and in process by the checks of checks.
GRADED_TWICE = {"w01_rnn", "w07_language_model"}
TRAINING_WEEKS = {"w06_classifier", "w07_language_model"}
# Samples whose verdict would depend on the global random state if the checks did not seed it (they draw from it
# where a check does not expect them to): graded twice too.
RANDOM_STATE_SAMPLES = {
    "w07_language_model": ["sample_temperature_zero_default", "sample_reseeds_global", "sample_global_noise"],
}


def wrong_samples(week):
    """The week's first wrong sample (not a forbidden built-in), and those of RANDOM_STATE_SAMPLES."""
    wrong = [s for s in samples(week) if not s.correct]
    first = next(s for s in wrong if "forbidden" not in s.title.lower())
    return [first] + [s for s in wrong if s.name in RANDOM_STATE_SAMPLES.get(week, ()) and s is not first]


def verdicts(root, week, students):
    """{student: {item: the hidden checks' verdict text}} from the autograded notebooks."""
    return {student: report.read_feedback(root / "autograded" / student / week / f"{week}.ipynb")[0]
            for student in students}


def cell_scores(root, week):
    table = course.grade_table([week], root=root)
    return {student: row["items"] for (student, _), row in table.items()}


# one xdist worker per week, and session scope (a worker may run other tests in between): each week's course is
# built and graded once
@pytest.fixture(scope="session", ids=WEEKS,
                params=[pytest.param(w, marks=pytest.mark.xdist_group(f"e2e-{w}")) for w in WEEKS])
def graded(request, tmp_path_factory):
    """A course where the reference, the blank release and a wrong sample were autograded (the wrong one twice in
    GRADED_TWICE).

    The reference and the wrong sample hand in the reference's trained checkpoint (in the training weeks)."""
    week = request.param
    root = tmp_path_factory.mktemp(week)
    course.new_course(root, [week], copy_code=True)
    wrong, *more = wrong_samples(week)
    submissions = {"reference": {}, "blank": None, "wrong": wrong.definitions}
    submissions.update({s.name.replace("_", "-"): s.definitions for s in more})
    for student, definitions in submissions.items():
        handed_in = course.reference_files(week) if definitions is not None else ()
        course.write_submission(course.make_submission(week, definitions, root=root), student, week, root=root,
                                files=handed_in)
    course.nbgrader("autograde", week, "--force", root=root)
    first = cell_scores(root, week)
    first_verdicts = verdicts(root, week, submissions)
    second = second_verdicts = None
    if week in GRADED_TWICE:  # without StartHiddenChecks: the checks run after the notebook, not beside it
        course.nbgrader("autograde", week, "--CourseDirectory.student_id_exclude=reference,blank", "--force",
                        "--StartHiddenChecks.enabled=False", root=root)
        second = cell_scores(root, week)
        second_verdicts = verdicts(root, week, submissions)
    course.nbgrader("generate_feedback", week, "--force", root=root)
    return week, root, (first, first_verdicts), (second, second_verdicts), wrong


def test_reference_scores_full_marks(graded):
    week, root, (scores, _), _, _ = graded
    assert all(score == max_score > 0 for score, max_score in scores["reference"].values()), scores["reference"]


def test_blank_release_scores_zero(graded):
    week, root, (scores, _), _, _ = graded
    assert all(score == 0 for score, _ in scores["blank"].values()), scores["blank"]


def test_wrong_sample_loses_exactly_its_items(graded):
    week, root, (scores, _), _, wrong = graded
    lost = {item for item, (score, max_score) in scores["wrong"].items() if score < max_score}
    # its checkpoint is the reference's: with a wrong model class it may score below the threshold too
    assert lost - {"checkpoint"} == set(wrong.expect)


def test_grading_twice_gives_identical_scores_and_feedback(graded):
    """Once with the hidden checks beside the notebook (StartHiddenChecks), once after it: the same grades and
    the same verdict in every graded cell."""
    week, _, (first, first_verdicts), (second, second_verdicts), _ = graded
    if week not in GRADED_TWICE:
        pytest.skip(f"graded once (GRADED_TWICE: {', '.join(sorted(GRADED_TWICE))})")
    assert first["wrong"] == second["wrong"]
    assert first == second  # and regrading some students leaves the others' grades alone
    assert first_verdicts == second_verdicts


def test_course_copy_grades_as_the_repository(graded):
    """Graded in a copy of the course elsewhere: every item passes or fails as it does in this checkout."""
    from test_checks_of_checks import grade_locally
    week, _, (scores, _), _, wrong = graded
    definitions = {"reference": {}, **{s.name.replace("_", "-"): s.definitions for s in wrong_samples(week)[1:]},
                   "wrong": wrong.definitions}
    for student, defs in definitions.items():
        here = {item: result.passed for item, result in grade_locally(week, defs).items()}
        there = {item: score == max_score for item, (score, max_score) in scores[student].items()}
        assert there == here, (student, there, here)


def test_grading_runs_the_notebook_without_training(graded):
    """nbgrader's NBGRADER_EXECUTION reaches the sandboxed kernel: the notebook skips its training cells."""
    week, root, _, _, _ = graded
    if week not in TRAINING_WEEKS:
        pytest.skip("no training in this week")
    nb = json.loads((root / "autograded" / "reference" / week / f"{week}.ipynb").read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    assert "Skipping" in text and "nbgrader" in text
    # the handed-in checkpoint was kept, not overwritten by a run of the notebook
    assert "from an earlier run is kept" in text and "hand it in with this notebook" not in text


def test_feedback_names_the_problem(graded):
    week, root, _, _, wrong = graded
    html = (root / "feedback" / "wrong" / week / f"{week}.html").read_text()
    for phrase in wrong.expect.values():
        assert phrase.split("(")[0].strip().replace("<", "&lt;").replace(">", "&gt;") in html


def test_export_writes_every_student(graded):
    week, root, _, _, _ = graded
    course.nbgrader("export", root=root)
    text = (root / "grades.csv").read_text()
    assert all(student in text for student in ("reference", "blank", "wrong"))


def test_release_contains_no_secret(graded):
    week, root, _, _, _ = graded
    release = json.loads((root / "release" / week / f"{week}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in release["cells"])
    for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "autograder", "solutions", "trusted checker"):
        assert marker not in text
    from autograder.notebooks import read_notebook, solution_sources, source_notebook_path
    from autograder.runner import week_items
    # lines the instructor shows on purpose in read-only cells (e.g. the training loop) are not leaks
    # text the instructor shows on purpose is not a leak: read-only and markdown cells (e.g. the training loop,
    # a hint quoting one line), and the parts of answer cells outside the solution markers
    shown = "\n".join(re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", c.source, flags=re.S)
                      for c in read_notebook(source_notebook_path(week)).cells)
    for item, source in solution_sources(week).items():
        if item not in week_items(week):
            continue
        body = source.split("### BEGIN SOLUTION")[1:]
        for region in body:
            for line in region.split("### END SOLUTION")[0].splitlines():
                if len(line.strip()) > 25 and line.strip() not in shown:
                    assert line.strip() not in text, f"solution line of {item} leaked: {line.strip()}"
    from autograder.runner import check_module
    for name in dir(check_module(week)):
        if name.startswith("test_"):
            assert name not in text


def test_item_csv_and_gradescope_exports(graded, tmp_path):
    import csv

    from autograder.export import gradescope_results, items_csv
    week, root, (scores, _), _, wrong = graded
    rows = {r["student"]: r for r in csv.DictReader(open(items_csv(week, tmp_path / "items.csv", root=root)))}
    assert set(rows) == set(scores)  # reference, blank, wrong and the week's random-state samples
    for item, (score, _) in scores["wrong"].items():
        assert float(rows["wrong"][item]) == score
    paths = gradescope_results(week, tmp_path / "gradescope", root=root)
    results = json.loads((tmp_path / "gradescope" / "wrong" / "results.json").read_text())
    assert len(paths) == len(scores)
    assert results["score"] == sum(score for score, _ in scores["wrong"].values())
    broken = [t for t in results["tests"] if t["score"] < t["max_score"]]
    assert {t["name"] for t in broken} - {"checkpoint"} == set(wrong.expect)
    assert all("hidden checks" in t["output"] for t in broken)


def test_demo_grade_table_shows_every_item_and_total(graded):
    """The table ``make demo`` prints: a row per student, a column per item, the gradebook's points in it."""
    from rich.console import Console

    from autograder.demo import render_table
    from autograder.runner import week_items
    week, root, (scores, _), _, _ = graded
    table = course.grade_table([week], root=root)
    console = Console(record=True, width=400, color_system=None)
    console.print(render_table(week, table))
    lines = console.export_text().splitlines()
    header = next(line for line in lines if "student" in line)
    assert all(item in header for item in week_items(week)) and "total" in header
    rows = {cells[1]: cells[2:-1] for cells in ([c.strip() for c in line.split("│")] for line in lines)
            if len(cells) > 2}  # body rows: "│ student │ item … │ total │"
    for student in scores:
        got, out_of = table[(student, week)]["total"]
        assert rows[student][-1] == f"{got:g} / {out_of:g}", rows[student]
        assert rows[student][:-1] == [f"{scores[student][item][0]:g}" if item in scores[student] else "-"
                                      for item in week_items(week)], rows[student]


def test_class_report_shows_the_wrong_samples_mistakes(graded, tmp_path):
    """The class report of each week's course: the histogram is in the page, every item the wrong sample breaks is
    diagnosed (in w02, whose checks name every classic mistake, as a named mistake), and the blank release counts
    as unanswered, not as a mistake."""
    week, root, _, _, wrong = graded
    index = report.write_report(week, root=root, out=tmp_path)
    assert "data:image/png;base64," in Path(index).read_text()
    with open(tmp_path / "mistakes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for item in wrong.expect:
        kinds = {r["kind"] for r in rows if r["item"] == item and int(r["students"]) >= 1}
        assert kinds - {"unanswered"}, f"{item} of {wrong.name}: no diagnosis in {rows}"
        if week == "w02_lstm":
            assert "named mistake" in kinds, rows
    assert any(r["kind"] == "unanswered" for r in rows)
