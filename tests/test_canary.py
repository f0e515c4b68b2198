"""The reference canary: a grading run whose environment cannot grade the reference correctly refuses to start."""
import pytest

from autograder import batch, canary, course
from autograder.sandbox import launchers
from autograder.sandbox.bubblewrap import Bubblewrap, bubblewrap_problem
from sandboxes import warm_launcher

needs_bubblewrap = pytest.mark.skipif(bubblewrap_problem() is not None, reason="bubblewrap is not installed")


@pytest.fixture
def fresh_canary(monkeypatch):
    """This process has not vouched for (or refused) any week yet."""
    monkeypatch.setattr(canary, "_PASSED", set())
    monkeypatch.setattr(canary, "_FAILED", {})


@needs_bubblewrap
@pytest.mark.slow
def test_canary_refuses_when_the_sandbox_cannot_import_the_course_data(monkeypatch, fresh_canary):
    """The defect of a course folder kept apart from the installed package: course_data missing in the sandbox."""
    monkeypatch.setattr(launchers, "STUDENT_PACKAGES", ())  # nothing bound: the sandbox finds no course_data
    with pytest.raises(canary.ReferenceCanaryFailed) as refused:
        canary.check_reference("w07_language_model", Bubblewrap(), call_timeout=10, cell_timeout=60)
    message = str(refused.value)
    assert message.startswith("Refusing to grade w07_language_model")
    assert "No module named 'course_data'" in message
    # refused once, refused at once for the rest of the run
    with pytest.raises(canary.ReferenceCanaryFailed, match="Refusing"):
        canary.check_reference("w07_language_model", Bubblewrap(), call_timeout=10, cell_timeout=60)


@pytest.mark.slow
def test_canary_passes_and_is_paid_once(fresh_canary, monkeypatch):
    launcher = warm_launcher()
    canary.check_reference("w01_rnn", launcher, call_timeout=10, cell_timeout=60)
    monkeypatch.setattr(canary, "grade_cells", lambda *a, **k: pytest.fail("graded the reference twice"))
    canary.check_reference("w01_rnn", launcher, call_timeout=10, cell_timeout=60)


def auto_scores(root):
    """Every score the autograder recorded (nbgrader keeps a failed submission's rows, with no score)."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return [g.auto_score for a in gb.assignments for sub in a.submissions for nb in sub.notebooks
                for g in nb.grades if g.auto_score is not None]


@pytest.fixture(scope="module")
def tight_course(tmp_path_factory):
    """A w01 course whose sandbox is too small to import torch: the reference fails too."""
    root = tmp_path_factory.mktemp("canary")
    course.new_course(root, ["w01_rnn"], extra_config="c.Sandbox.memory_gib = 0.25\n")
    for student, definitions in (("reference", {}), ("blank", None)):
        course.write_submission(course.make_submission("w01_rnn", definitions, root=root), student, "w01_rnn",
                                root=root)
    return root


@pytest.mark.slow
def test_nbgrader_autograde_refuses_the_class(tight_course):
    proc = course.nbgrader("autograde", "w01_rnn", "--force", root=tight_course, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Refusing to grade w01_rnn: the reference solution does not score full marks" in output
    assert "memory 0.25 GiB" in output  # the cause
    assert "rnn_cell:" in output and "could not start" in output  # and the checks that failed
    assert auto_scores(tight_course) == [], "no student was graded"


@pytest.mark.slow
def test_autograder_grade_refuses_the_class(tight_course):
    with pytest.raises(canary.ReferenceCanaryFailed, match="memory 0.25 GiB"):
        batch.grade_week(tight_course, "w01_rnn", jobs=1)
    assert auto_scores(tight_course) == []
