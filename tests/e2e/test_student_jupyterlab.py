"""The student's experience in a real browser: JupyterLab from the student environment, every week's release.

For every week: fetch it from nbgrader's Assignment List, open it, Run All on the blank release (the text is in the
week's language and the first message must say what to do), type the reference answers into the answer cells through
the editor, Run All (every visible check passes; in the training weeks it trains the model, saves the checkpoint and
the hidden checks accept that checkpoint), Validate ("Success"), then type one typical wrong answer and run
it (the visible check says what it expected and what it got). One week (e2e_lab.LANGUAGES) is released in Russian
and each of these messages must then be in Russian. A deliberately broken notebook shows that each of these checks
fails when it should. Screenshots of every state are kept in tests/e2e/artifacts/.
"""
import re

import nbformat
import pytest
from nbgrader.utils import compute_checksum

import e2e_lab as lab
from autograder.notebooks import is_answer_cell, is_test_cell, nbgrader_meta, solution_sources
from autograder.runner import check_module
from e2e_lab import LANGUAGES, WEEKS, sample
from test_checkpoint_checks import grade_with_files

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

# one typical mistake per week that the visible checks catch (a single answer cell; autograder/samples/WEEK/)
WRONG = {
    "w01_rnn": "missing_bias_hh",
    "w02_lstm": "missing_tanh_on_c",
    "w03_gru": "layer_norm_unbiased_variance",
    "w04_embedding": "backward_assigns_repeated_indices",
    "w05_conv1d": "causal_padding_both_sides",
    "w06_classifier": "mask_as_float",
    "w07_language_model": "perplexity_no_exp",
}


def test_every_week_has_a_wrong_answer_step():
    assert set(WRONG) == set(WEEKS)
    for week, name in WRONG.items():
        assert len(sample(week, name).definitions) == 1, f"{week}/{name}: one answer cell"


@pytest.fixture(scope="session")
def fetched(setup, student_app, student_home):
    """Every week fetched through nbgrader's Assignment List, as a student does."""
    setup.released.result()
    page = student_app.get()
    lab.menu(page, "Nbgrader", "nbgrader:open-assignment-list")
    released = page.locator("#released_assignments_list")
    for week in WEEKS:
        released.locator(".list_item", has_text=week).locator("button", has_text="Fetch").click()
        page.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=week).wait_for()
    page.locator("#fetched_assignments_list a.assignment-notebooks-link", has_text=WEEKS[0]).click()
    page.locator("#fetched_assignments_list .nested_list_item", has_text=WEEKS[0]).locator(
        "button", has_text="Validate").wait_for()
    shot = lab.screenshot(page, "student-0-assignment-list")
    found = {week: (student_home / week / f"{week}.ipynb").exists() for week in WEEKS}
    return found, released.locator(".list_item").count(), shot


def test_assignment_list_fetches_every_week(fetched):
    found, released_left, _ = fetched
    assert all(found.values()), f"not fetched into the student's folder: {[w for w, ok in found.items() if not ok]}"
    assert released_left == 0, "every released week moved to the downloaded list"


class Week:
    """One week's notebook open in the student's JupyterLab, and the steps a student takes."""

    def __init__(self, page, server, path):
        self.file = server.root / path
        self.nb = nbformat.read(self.file, as_version=4)
        self.name = self.file.stem
        self.notebook = lab.Notebook.open(page, server, path, self.nb)
        self.page = page
        self.answers = {nbgrader_meta(c)["grade_id"]: i for i, c in enumerate(self.nb.cells) if is_answer_cell(c)}
        self.tests = {nbgrader_meta(c)["grade_id"]: i for i, c in enumerate(self.nb.cells) if is_test_cell(c)}
        self.first_answer = min(self.answers.values())
        self.first_test = min(i for i in self.tests.values() if i > self.first_answer)

    def shot(self, step, index=None):
        return lab.screenshot(self.page, f"{self.name}-{step}",
                              self.notebook.cell(index) if index is not None else None)

    def run_blank(self):
        _, cells = self.notebook.run_all()
        self.shot("1-blank-run-all", self.first_test)
        return cells

    def type_answers(self, sources):
        for item, index in self.answers.items():
            self.notebook.type_into(index, sources[item])

    def run_all(self, step):
        _, cells = self.notebook.run_all()
        failing = [i for i, c in enumerate(cells) if lab.error_text(c)]
        self.shot(step, failing[0] if failing else max(self.tests.values()))
        return cells

    def validate(self, step):
        classes, text = self.notebook.validate()
        self.shot(step)
        self.notebook.close_dialog()
        return classes, text

    def saved_answers(self):
        nb = nbformat.read(self.file, as_version=4)
        return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if is_answer_cell(c)}

    def type_wrong(self, item, source):
        answer, test = self.answers[item], self.tests[f"test_{item}"]
        self.notebook.type_into(answer, source)
        _, cells = self.notebook.run_cells([answer, test])
        self.shot("4-wrong-answer", test)
        return cells, test


@pytest.mark.parametrize("week", WEEKS)
def test_student_works_through_the_week(week, fetched, student_page, student_lab):
    reference = solution_sources(week)
    wrong = sample(week, WRONG[week])
    language = LANGUAGES[week]
    clock = lab.Clock(week)
    w = Week(student_page, student_lab, f"{week}/{week}.ipynb")
    clock("opened")

    cells = w.run_blank()
    lab.check_prose(cells, language)
    lab.check_blank_run(cells, w.nb, w.first_answer, w.first_test, language)
    clock("blank Run All")

    w.type_answers(reference)
    clock("typed")
    lab.check_clean_run(w.run_all("2-reference-run-all"), w.nb, sorted(w.tests.values()), language)
    clock("reference Run All")
    checkpoint = getattr(check_module(week), "CHECKPOINT", None)
    if checkpoint is not None:  # a training week: Run All trained the model and saved it where it is handed in
        assert (w.file.parent / checkpoint).is_file(), f"Run All did not save {checkpoint}"
        verdict = grade_with_files(week, w.file.parent)  # trained in the student's environment, graded here
        assert verdict.passed, verdict.feedback
    lab.check_validate_success(*w.validate("3-validate"))
    clock("Validate")
    saved = w.saved_answers()  # Validate saved the notebook: what was typed is what is in the file
    assert {k: v.strip() for k, v in saved.items()} == {k: reference[k].strip() for k in saved}

    (item, source), = wrong.definitions.items()
    cells, test = w.type_wrong(item, source)
    lab.check_wrong_answer_message(cells, test, language)
    clock("wrong answer")


def broken_notebook(nb):
    """A release notebook with the three faults the checks must catch: a stub whose message does not say what to
    do, a visible check that fails for correct answers (so Validate fails), and check helpers that fail without a
    message."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if is_answer_cell(cell):
            cell.source = cell.source.replace("raise NotImplementedError('Replace this line with your implementation.')",
                                              "raise NotImplementedError()")
        elif nbgrader_meta(cell).get("grade_id") == "visible_helpers":
            cell.source = re.sub(r"(assert [^\n]+?), f\"[^\n]*\"$", r"\1", cell.source, flags=re.M)
    last_test = [c for c in nb.cells if is_test_cell(c)][-1]
    last_test.source += '\nassert False, "a deliberately broken visible check"\n'
    for cell in nb.cells:  # released like this: nbgrader's checksums match (else Validate says "changed")
        if "checksum" in nbgrader_meta(cell):
            cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
    return nb


def test_a_broken_notebook_fails_each_check(setup, fetched, student_page, student_lab):
    """Shown once: a confusing first message, a failing Validate and a silent visible check are all caught."""
    week = WEEKS[0]
    released = setup.exchange / "rnn-course" / "outbound" / week / f"{week}.ipynb"  # as the students fetch it
    broken = student_lab.root / "broken" / "broken.ipynb"
    broken.parent.mkdir(exist_ok=True)
    nbformat.write(broken_notebook(nbformat.read(released, as_version=4)), broken)
    w = Week(student_page, student_lab, "broken/broken.ipynb")

    cells = w.run_blank()
    with pytest.raises(AssertionError, match="not in 'ru'"):  # an English notebook is not taken for a Russian one
        lab.check_prose(cells, "ru")
    with pytest.raises(AssertionError, match="must say what to do"):
        lab.check_blank_run(cells, w.nb, w.first_answer, w.first_test)

    w.type_answers(solution_sources(week))
    with pytest.raises(AssertionError, match="deliberately broken visible check"):
        lab.check_clean_run(w.run_all("2-reference-run-all"), w.nb, sorted(w.tests.values()))
    classes, text = w.validate("3-validate")
    assert "validation-failed" in classes
    with pytest.raises(AssertionError, match="Validate did not succeed"):
        lab.check_validate_success(classes, text)

    (item, source), = sample(week, WRONG[week]).definitions.items()
    cells, test = w.type_wrong(item, source)
    with pytest.raises(AssertionError, match="message is empty"):
        lab.check_wrong_answer_message(cells, test)
