"""The instructor's experience in a real browser: formgrader in JupyterLab (the instructor's .venv).

The sample submissions of one week (the reference, the blank release, a typical mistake) were autograded in the
sandbox with the real ``nbgrader autograde``. Formgrader lists them with their scores; its Generate Feedback
button writes the wrong submission's HTML feedback, which shows the trusted checks' message: what was expected,
what was received, where, and the hint. A copy of that feedback without the message fails the same check.
"""
import re

import pytest

import e2e_lab as lab
from autograder import course
from e2e_lab import GRADED_SAMPLE, GRADED_WEEK, sample

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def score_text(score, max_score):
    number = lambda x: f"{x:g}"
    return f"{number(score)} / {number(max_score)}"


@pytest.fixture(scope="module")
def formgrader(instructor_browser, instructor_lab):
    page = instructor_browser.new_page()
    page.goto(instructor_lab.url("lab?reset"))
    lab.menu(page, "Nbgrader", "nbgrader:open-formgrader")
    yield page, page.frame_locator(".jp-MainAreaWidget iframe").first
    page.close()


def test_formgrader_lists_the_autograded_submissions_with_their_scores(formgrader, instructor_lab):
    page, frame = formgrader
    frame.locator("tr", has_text=GRADED_WEEK).locator("td.num-submissions a").click()
    rows = frame.locator("#main-table tr")
    frame.locator("#main-table td.student-id", has_text="wrong").wait_for()
    shown = {rows.nth(i).locator("td.student-id").inner_text().strip(): rows.nth(i).locator("td.score").inner_text()
             .strip() for i in range(rows.count())}
    lab.screenshot(page, "instructor-1-formgrader-submissions")
    # the instructor's tools are there (the student's lab has none: tests/e2e/test_student_environment.py)
    assert page.locator(".jp-SideBar .lm-TabBar-tab", has_text="Create Assignment").count() == 1
    totals = {student: row["total"] for (student, _), row in course.grade_table([GRADED_WEEK],
                                                                               root=instructor_lab.root).items()}
    assert shown == {student: score_text(*total) for student, total in totals.items()}
    (reference, full), (blank, _), (wrong, _) = totals["reference"], totals["blank"], totals["wrong"]
    assert reference == full > 0 and blank == 0 and 0 < wrong < full, totals


def test_feedback_of_a_wrong_submission_shows_the_trusted_message(formgrader, instructor_browser, instructor_lab):
    page, frame = formgrader
    if not frame.locator("#main-table td.student-id", has_text="wrong").count():
        frame.locator("tr", has_text=GRADED_WEEK).locator("td.num-submissions a").click()
    row = frame.locator("#main-table tr", has=frame.locator("td.student-id", has_text="wrong"))
    row.locator("td.generate-feedback a").click()
    frame.locator(".modal", has_text="Successfully generated feedback").wait_for(timeout=120_000)
    lab.screenshot(page, "instructor-2-feedback-generated")
    html = instructor_lab.root / "feedback" / "wrong" / GRADED_WEEK / f"{GRADED_WEEK}.html"
    assert html.exists()

    phrases = sample(GRADED_WEEK, GRADED_SAMPLE).expect
    item, phrase = next(iter(phrases.items()))
    feedback = instructor_browser.new_page()
    try:
        text = read_feedback(feedback, html, item, "instructor-3-feedback")
        lab.check_feedback_message(text, phrase)

        # shown once: the same feedback without the trusted checks' message fails the check
        broken = html.with_name("broken.html")
        broken.write_text(re.sub(r"^.*(expected:|received:|hint:).*$", "", html.read_text(), flags=re.M))
        text = read_feedback(feedback, broken, item, "instructor-4-broken-feedback")
        with pytest.raises(AssertionError, match="no 'expected:' line"):
            lab.check_feedback_message(text, phrase)
    finally:
        feedback.close()


def read_feedback(page, html, item, shot):
    """Open the HTML feedback as its reader does (the file, in the browser); the visible text of the trusted
    checks' output in the failed item's test cell."""
    page.goto(html.as_uri())
    cell = page.locator(".cell", has=page.locator(f"a[name='test_{item}']"))
    output = cell.locator(".output_error")
    output.wait_for()
    lab.screenshot(page, shot, output)
    assert output.is_visible()
    return output.inner_text()
