"""Partial credit end to end: a course whose nbgrader_config.py says ``c.RunHiddenChecks.scoring = "per_check"``,
graded by stock ``nbgrader autograde``, with its feedback and ``nbgrader export``. The all-or-nothing default is
covered by every week of test_nbgrader_e2e.py; that per-check grades are reproducible, by
test_partial_credit.py."""
import csv

import pytest

from autograder import course
from autograder.samples import samples

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-partial-credit")]
WEEK = "w02_lstm"
WRONG = "forgets_h_prev"  # lstm_gates forgets h @ weight_hh.T: it still returns four gates of the right shape


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.new_course(tmp_path_factory.mktemp("partial"), [WEEK], copy_code=True,
                             extra_config='c.RunHiddenChecks.scoring = "per_check"\n')
    wrong = next(s for s in samples(WEEK) if s.name == WRONG)
    for student, definitions in {"reference": {}, "blank": None, "wrong": wrong.definitions}.items():
        course.write_submission(course.make_submission(WEEK, definitions, root=root), student, WEEK, root=root)
    course.nbgrader("autograde", WEEK, "--force", root=root)
    table = course.grade_table([WEEK], root=root)
    course.nbgrader("generate_feedback", WEEK, "--force", root=root)
    course.nbgrader("export", root=root)
    return root, table, wrong


def items(table, student):
    return table[(student, WEEK)]["items"]


def test_the_wrong_item_earns_part_of_its_points_and_the_rest_earn_all(graded):
    root, table, wrong = graded
    assert all(score == max_score > 0 for score, max_score in items(table, "reference").values())
    assert all(score == 0 for score, _ in items(table, "blank").values())
    for item, (score, max_score) in items(table, "wrong").items():
        if item in wrong.expect:
            assert 0 < score < max_score, (item, score, max_score)
        else:
            assert score == max_score, (item, score, max_score)


def test_feedback_shows_the_points_of_each_check(graded):
    root, table, wrong = graded
    html = (root / "feedback" / "wrong" / WEEK / f"{WEEK}.html").read_text()
    item = next(iter(wrong.expect))
    score, max_score = items(table, "wrong")[item]
    assert f"{item}: 1 of 6 hidden checks passed: {score:g} of {max_score:g} points" in html
    assert "(worth " in html and wrong.expect[item].split(":")[0] in html


def test_export_carries_the_partial_score(graded):
    root, table, _ = graded
    with open(root / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    score, _ = table[("wrong", WEEK)]["total"]
    assert float(rows["wrong"]["score"]) == pytest.approx(score)
    assert score != int(score)  # a fraction of a point: partial credit reached the gradebook and the export


def test_class_report_reads_the_per_check_verdicts(graded, tmp_path):
    from autograder import report
    root, _, wrong = graded
    report.write_report(WEEK, root=root, out=tmp_path)
    with open(tmp_path / "checks.csv", newline="") as f:
        checks = [row for row in csv.DictReader(f) if row["item"] in wrong.expect]
    assert checks and not any("worth" in row["check"] for row in checks)
    assert sum(int(row["failed"]) for row in checks) == 5 + 6  # the wrong sample fails five of six, the blank all
    with open(tmp_path / "mistakes.csv", newline="") as f:
        assert any(row["kind"] == "named mistake" and row["item"] in wrong.expect for row in csv.DictReader(f))
