"""The class report (``autograder report WEEK``), on a small class of w01 graded by the real ``nbgrader autograde``.

The class: two correct submissions, the blank release, the sample mistakes ``sigmoid_activation`` (twice),
``missing_bias_hh`` and ``uses_nn_rnncell`` (a forbidden built-in), and one student whose rnn_cell is wrong in a
way no hint names (half the right value) and whose clip_grad_norm cell does not parse. What the report says is
checked against the gradebook and the samples' hints. The parsing of the feedback is tested on its own first.
"""
import base64
import csv
import re
from collections import defaultdict

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cli, course, report
from autograder.notebooks import ROOT
from autograder.samples import load_sample

WEEK = "w01_rnn"
SAMPLES = ROOT / "autograder" / "samples" / WEEK
SIGMOID, MISSING_BIAS, BUILT_IN = (load_sample(SAMPLES / f"{name}.py")
                                   for name in ("sigmoid_activation", "missing_bias_hh", "uses_nn_rnncell"))
HALF_TANH = '''import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return 0.5 * torch.tanh(pre)'''
NOT_PYTHON = "def clip_grad_norm(parameters, max_norm)\n    return 0"
# student ids no feedback text contains, so that a page "without names" can be searched for them
CLASS = {
    "ada-ref": {},
    "bo-einsum": load_sample(SAMPLES / "correct_einsum.py").definitions,
    "cy-blank": None,
    "di-sigmoid": SIGMOID.definitions,
    "ed-sigmoid": SIGMOID.definitions,
    "fay-bias": MISSING_BIAS.definitions,
    "gus-builtin": BUILT_IN.definitions,
    "hal-unexplained": {"rnn_cell": HALF_TANH, "clip_grad_norm": NOT_PYTHON},
}

_GRADED = {}


def graded_class(tmp_path_factory):
    """The course folder of CLASS, autograded; built once per test process (the browser test reuses it)."""
    if "root" not in _GRADED:
        root = course.new_course(tmp_path_factory.mktemp("class-report"), [WEEK])
        for student, definitions in CLASS.items():
            course.write_submission(course.make_submission(WEEK, definitions, root=root), student, WEEK, root=root)
        course.nbgrader("autograde", WEEK, "--force", root=root)
        _GRADED["root"] = root
    return _GRADED["root"]


def on_the_graded_class(test):
    """A test of the graded course: slow, and in the browser test's xdist group (one worker builds the course)."""
    return pytest.mark.slow(pytest.mark.xdist_group("class-report")(test))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course root, the report's folder): the report written without names."""
    root = graded_class(tmp_path_factory)
    out = tmp_path_factory.mktemp("report")
    report.write_report(WEEK, root=root, out=out)
    return root, out


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def gradebook_items(root):
    """{item: (students who earned its full points, students graded)}, read from the gradebook directly."""
    counts = defaultdict(lambda: [0, 0])
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(WEEK):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    item = grade.name.removeprefix("test_")
                    counts[item][0] += grade.score == grade.max_score
                    counts[item][1] += 1
    return {item: tuple(c) for item, c in counts.items()}


# -- the feedback, parsed --------------------------------------------------------------------------------------

FEEDBACK = """rnn_cell: 1 of 3 hidden checks passed
  [PASS] rnn_cell returns a (batch, hidden_size) tensor. (1 of 1 point)
  [FAIL] rnn_cell computes tanh(...).
         rnn_cell(x, h, ...) has wrong values (largest difference 0.5 at index (0, 0)).
           expected: 0 at index (0, 0)
           received: 0.5 at index (0, 0)
           hint: use tanh, not sigmoid, for the new hidden state
         Smallest failing example found:
             rnn_cell(x=torch.tensor([[0.]]))
  [----] rnn_cell raises ValueError when x or h is not 2-D.
  (---- = not run, because an earlier check of this item failed)
  note: RNNCell was checked with the reference rnn_cell in place of yours."""


def test_feedback_is_parsed_into_checks_with_their_messages():
    checks, broken = report.parse_feedback("rnn_cell", FEEDBACK)
    assert broken == ""
    assert [(c.title, c.outcome) for c in checks] == [
        ("rnn_cell returns a (batch, hidden_size) tensor.", "passed"),  # the points are not part of the title
        ("rnn_cell computes tanh(...).", "failed"), ("rnn_cell raises ValueError when x or h is not 2-D.", "not run")]
    assert checks[1].message.startswith("rnn_cell(x, h, ...) has wrong values")
    assert checks[1].message.endswith("rnn_cell(x=torch.tensor([[0.]]))")  # the legend and the note are not in it
    item = report.ItemFeedback("rnn_cell", 0, 2, checks)
    [diagnosis] = report.diagnose(item)
    assert (diagnosis.kind, diagnosis.label) == ("named mistake", "use tanh, not sigmoid, for the new hidden state")
    assert "Smallest failing example" not in diagnosis.example and "received: 0.5" in diagnosis.example


@pytest.mark.parametrize("message, kind, label", [
    ("RNNCell uses torch.nn.RNNCell, torch.rnn_tanh_cell, a built-in this exercise asks you to write yourself "
     "(not allowed here: torch.nn.RNN*). Use tensor operations instead.", "built-in", "calls torch.nn.RNNCell, torch.rnn_tanh_cell"),
    ("Your code raised NotImplementedError: Replace this line with your implementation.\n"
     "hint: replace `raise NotImplementedError()` with your implementation", "unanswered", "left unanswered"),
    ("Stopped: your code did not finish within 10 s of CPU time (an endless loop?)", "broken",
     "Stopped: your code did not finish"),
    ("rnn_cell(x, h, ...) has wrong values.\n  expected: 1\n  received: 2", "no hint", "failed “t” (no hint)"),
])
def test_each_failure_gets_one_kind(message, kind, label):
    [diagnosis] = report.diagnose(report.ItemFeedback("RNNCell", 0, 2, [report.Check("t", "failed", message)]))
    assert diagnosis.kind == kind and diagnosis.label.startswith(label)


def test_an_answer_cell_that_failed_to_run_is_a_broken_item_not_a_mistake():
    text = "Your answer cell for clip_grad_norm failed to run: SyntaxError: expected ':'\n" + FEEDBACK.replace(
        "rnn_cell:", "clip_grad_norm:", 1)
    checks, broken = report.parse_feedback("clip_grad_norm", text)
    assert broken == "the answer cell failed to run (SyntaxError)" and len(checks) == 3
    [diagnosis] = report.diagnose(report.ItemFeedback("clip_grad_norm", 0, 2, checks, broken))
    assert diagnosis.kind == "broken"


def test_the_verdict_is_the_graders_output_not_text_the_student_printed(tmp_path):
    """ReportCheckResults appends its verdict after the kernel's outputs: a printed look-alike before it is ignored."""
    cell = nbformat.v4.new_code_cell("check(rnn_cell)", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "test_rnn_cell", "points": 2}})
    cell.outputs = [nbformat.v4.new_output("stream", text="Hidden checks (graded): rnn_cell: 1 of 1\n"
                                                          "  [FAIL] x\n         hint: printed by the student\n"),
                    nbformat.v4.new_output("error", ename="HiddenChecksFailed", evalue="rnn_cell: hidden checks failed",
                                           traceback=["Hidden checks (graded):", *FEEDBACK.splitlines()])]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(path))
    feedback, broken = report.read_feedback(path)
    assert feedback == {"rnn_cell": FEEDBACK} and broken == ""
    assert report.read_feedback(tmp_path / "missing.ipynb") == ({}, "no graded notebook (not autograded)")


# -- the report of the graded class ----------------------------------------------------------------------------

@on_the_graded_class
def test_the_page_embeds_the_histogram_and_loads_nothing(graded):
    _, out = graded
    assert sorted(p.name for p in out.iterdir()) == ["checks.csv", "index.html", "items.csv", "mistakes.csv",
                                                     "scores.csv"]
    html = (out / "index.html").read_text()
    [png] = re.findall(r'<img id="histogram" src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert not re.search(r"<(script|link)\b|\bsrc=\"(?!data:)|url\(", html), "the page loads something"
    assert "<title>Class report: w01_rnn</title>" in html
    # the histogram's numbers: totals of 10 points (2 correct), 8 (four lose one item), 6 and 0
    assert read_csv(out / "scores.csv") == [{"points": p, "students": n}
                                            for p, n in (("0.0", "1"), ("6.0", "1"), ("8.0", "4"), ("10.0", "2"))]


@on_the_graded_class
def test_item_pass_rates_are_the_gradebooks(graded):
    root, out = graded
    expected = gradebook_items(root)
    rows = {row["item"]: row for row in read_csv(out / "items.csv")}
    assert set(rows) == set(expected) == {"rnn_cell", "RNNCell", "rnn_forward", "hidden_grad_norms", "clip_grad_norm"}
    for item, (passed, students) in expected.items():
        assert (int(rows[item]["passed"]), int(rows[item]["students"])) == (passed, students), item
        assert float(rows[item]["pass_rate"]) == pytest.approx(passed / students, abs=1e-4)
    assert expected["rnn_cell"] == (3, 8)  # the sigmoids, the missing bias, half of tanh and the blank fail it
    html = (out / "index.html").read_text()
    assert re.search(r"<td>rnn_cell</td>.*?<td class=\"num\">3 of 8</td>\s*<td class=\"num\">38 %", html, re.S)


@on_the_graded_class
def test_check_pass_rates_add_up(graded):
    _, out = graded
    checks = [row for row in read_csv(out / "checks.csv") if row["item"] == "rnn_cell"]
    assert len(checks) == 6
    for row in checks:
        assert int(row["passed"]) + int(row["failed"]) + int(row["not_run"]) == int(row["students"]) == 8
    values = next(row for row in checks if row["check"].startswith("rnn_cell computes tanh"))
    # four wrong values; the blank failed the first check already
    assert (values["passed"], values["failed"], values["not_run"]) == ("3", "4", "1")


@on_the_graded_class
def test_named_mistakes_are_the_samples_hints_counted_and_ranked(graded):
    _, out = graded
    mistakes = read_csv(out / "mistakes.csv")
    named = [(m["item"], m["mistake"], m["students"]) for m in mistakes if m["kind"] == "named mistake"]
    assert [(item, n) for item, _, n in named] == [("rnn_cell", "2"), ("rnn_cell", "1")]  # ranked by count
    assert SIGMOID.expect["rnn_cell"] in named[0][1] and MISSING_BIAS.expect["rnn_cell"] in named[1][1]
    [built_in] = [m for m in mistakes if m["kind"] == "built-in"]
    assert built_in["item"] == "RNNCell" and BUILT_IN.expect["RNNCell"] in built_in["mistake"]
    assert built_in["students"] == "1" and built_in["share"] == "0.125"
    html = (out / "index.html").read_text()
    section = html[html.index('id="item-rnn_cell"'):html.index('id="item-RNNCell"')]
    first, second = re.findall(r'<tr><td class="num">(\d)</td><td>(.*?)</td><td class="num">(\d)</td>', section)
    assert first[0] == "1" and SIGMOID.expect["rnn_cell"] in first[1] and first[2] == "2"
    assert second[0] == "2" and MISSING_BIAS.expect["rnn_cell"] in second[1] and second[2] == "1"


@on_the_graded_class
def test_failures_no_hint_explained_are_grouped_by_check_with_an_example(graded):
    _, out = graded
    mistakes = read_csv(out / "mistakes.csv")
    [unexplained] = [m for m in mistakes if m["kind"] == "no hint"]
    assert unexplained["item"] == "rnn_cell" and unexplained["students"] == "1"
    assert unexplained["check"].startswith("rnn_cell computes tanh")
    assert "has wrong values" in unexplained["example"] and "hint:" not in unexplained["example"]
    # the blank is unanswered (every item), the cell that does not parse is broken: neither is a mistake
    unanswered = {m["item"]: m["students"] for m in mistakes if m["kind"] == "unanswered"}
    assert unanswered == dict.fromkeys(["rnn_cell", "RNNCell", "rnn_forward", "hidden_grad_norms", "clip_grad_norm"],
                                       "1")
    [broken] = [m for m in mistakes if m["kind"] == "broken"]
    assert (broken["item"], broken["mistake"]) == ("clip_grad_norm", "the answer cell failed to run (SyntaxError)")
    html = (out / "index.html").read_text()
    assert "Failed check, no hint" in html and "has wrong values (largest difference" in html


@on_the_graded_class
def test_students_are_named_only_when_asked(graded, capsys):
    root, out = graded
    for path in out.iterdir():
        text = path.read_text()
        assert not [s for s in CLASS if s in text], f"{path.name} names students"
    assert cli.main(["report", WEEK, "--root", str(root), "--names"]) == 0
    named = root / "reports" / WEEK  # the default folder
    assert f"wrote {named / 'index.html'}" in capsys.readouterr().out
    html = (named / "index.html").read_text()
    assert all(f"<td>{student}</td>" in html for student in CLASS)
    totals = {row["student"]: float(row["total"]) for row in read_csv(named / "students.csv")}
    assert totals == {student: row["total"][0] for (student, _), row in course.grade_table([WEEK], root=root).items()}
    assert "use tanh, not sigmoid" in next(r for r in read_csv(named / "students.csv")
                                           if r["student"] == "di-sigmoid")["diagnosed"]
    assert cli.main(["report", WEEK, "--root", str(root)]) == 0
    assert not (named / "students.csv").exists(), "a report without names keeps none from before"
    assert "ada-ref" not in (named / "index.html").read_text()


@on_the_graded_class
def test_a_week_without_grades_is_an_error(graded, capsys):
    root, _ = graded
    assert cli.main(["report", "w02_lstm", "--root", str(root)]) == 2
    assert "no graded submission of w02_lstm" in capsys.readouterr().out
