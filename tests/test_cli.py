"""The ``autograder`` command's argument handling: nbgrader configuration flags for ``grade``, and ``demo``."""
import json

import pytest
from traitlets.config import Config

from autograder import batch, cli, course, demo

WEEK = "w01_rnn"
FLAGS = ["--Execute.timeout=10", "--RunHiddenChecks.call_timeout=5", "--Sandbox.kind=none",
         "--Sandbox.allow_insecure=True"]


def test_config_flags_parse_into_a_typed_config():
    config = cli.config_flags(FLAGS + ["--CourseDirectory.ignore=a", "--CourseDirectory.ignore=b"])
    assert isinstance(config, Config)
    assert config == {"Execute": {"timeout": 10}, "RunHiddenChecks": {"call_timeout": 5.0},
                      "Sandbox": {"kind": "none", "allow_insecure": True}, "CourseDirectory": {"ignore": ["a", "b"]}}
    assert type(config.Execute.timeout) is int and config.Sandbox.allow_insecure is True


def test_no_flags_give_an_empty_config():
    assert cli.config_flags([]) == {}


@pytest.mark.parametrize("flag, message", [
    ("--Exectue.timeout=10", "no configurable class named 'Exectue' (did you mean Execute?)"),
    ("--Execute.timout=10", "Execute has no setting 'timout' (did you mean timeout"),
    ("--Execute.timeout=abc", "--Execute.timeout=abc: Execute.timeout expects an int"),
    ("--Sandbox.allow_insecure=maybe", "Sandbox.allow_insecure expects a boolean"),
    ("--Execute.timeout", "--Execute.timeout: expected one argument"),
    ("--verbose", "unrecognized arguments: --verbose"),
    ("w02_lstm", "unrecognized arguments: w02_lstm"),
])
def test_a_bad_flag_is_refused_with_a_clear_message(flag, message):
    with pytest.raises(cli.ConfigFlagError) as error:
        cli.config_flags([flag])
    assert message in str(error.value)


@pytest.fixture
def fake_grading(monkeypatch):
    """``autograder grade`` with grading replaced: records what grade_week was given."""
    calls = []
    monkeypatch.setattr(batch, "submitted_students", lambda root, week: ["reference"])
    monkeypatch.setattr(batch, "course_db_url", lambda root, db_url=None: "sqlite://")
    monkeypatch.setattr(batch, "grade_week", lambda *args, **kwargs: calls.append((args, kwargs)) or [])
    monkeypatch.setattr(course, "grade_table", lambda weeks, db_url=None: {})
    return calls


def test_grade_passes_the_flags_to_grade_week_as_extra_config(fake_grading):
    assert cli.main(["grade", WEEK, "--jobs", "1", *FLAGS]) == 0
    [(args, kwargs)] = fake_grading
    assert args == (".", WEEK) and kwargs["jobs"] == 1
    assert kwargs["extra_config"] == {"Execute": {"timeout": 10}, "RunHiddenChecks": {"call_timeout": 5.0},
                                      "Sandbox": {"kind": "none", "allow_insecure": True}}


def test_grade_takes_flags_anywhere_and_none(fake_grading):
    assert cli.main(["grade", "--Execute.timeout=3", WEEK, "--student", "reference"]) == 0
    assert fake_grading[0][1]["extra_config"] == {"Execute": {"timeout": 3}}
    assert cli.main(["grade", WEEK]) == 0
    assert fake_grading[1][1]["extra_config"] == {}


def test_grade_with_a_bad_flag_exits_2_with_usage_and_no_traceback(fake_grading, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["grade", WEEK, "--Execute.timeout=10", "--Exectue.timeout=10"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and not fake_grading
    assert "usage: autograder grade" in err and "Traceback" not in err
    assert "error: --Exectue.timeout: no configurable class named 'Exectue'" in err


def test_other_commands_still_refuse_unknown_arguments(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["demo", "--Execute.timeout=10"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --Execute.timeout=10" in capsys.readouterr().err


def test_a_failed_demo_step_prints_the_reason_and_exits_1(monkeypatch, capsys):
    def fail(weeks, insecure, console, language):
        raise demo.DemoFailed("nbgrader autograde w01_rnn --student blank failed:\n[ERROR] the reason")
    monkeypatch.setattr(demo, "run_demo", fail)
    assert cli.main(["demo", "--weeks", WEEK]) == 1
    out = capsys.readouterr().out
    assert "error: nbgrader autograde w01_rnn --student blank failed" in out and "[ERROR] the reason" in out


def test_demo_step_failure_shows_nbgrader_error_lines():
    demo._run({"success": True}, "step")
    with pytest.raises(demo.DemoFailed) as error:
        demo._run({"success": False, "log": "[INFO] fine\n[ERROR] Refusing to grade w01_rnn: why\n",
                   "error": "Traceback ...\nNbGraderException: failed"}, "nbgrader autograde w01_rnn")
    assert str(error.value) == "nbgrader autograde w01_rnn failed:\n[ERROR] Refusing to grade w01_rnn: why"
    with pytest.raises(demo.DemoFailed, match="NbGraderException: failed"):
        demo._run({"success": False, "error": "Traceback ...\nNbGraderException: failed"}, "step")


@pytest.mark.slow
def test_grade_flags_reach_the_grading_process(tmp_path, capsys):
    """End to end: the reference, graded with the sandbox switched off by flags, gets full marks and the note."""
    root = course.new_course(tmp_path, [WEEK])
    course.write_submission(course.make_submission(WEEK, {}, root=root), "reference", WEEK, root=root)
    assert cli.main(["grade", WEEK, "--root", str(root), "--jobs", "1", "--Sandbox.kind=none",
                     "--Sandbox.allow_insecure=True", "--RunHiddenChecks.call_timeout=20"]) == 0
    [row] = course.grade_table([WEEK], root=root).values()
    assert row["total"][0] == row["total"][1] > 0
    graded = json.loads((root / "autograded" / "reference" / WEEK / f"{WEEK}.ipynb").read_text())
    assert "graded without a sandbox" in json.dumps(graded)
