"""Checks of the checks of the trained checkpoints (w06 classifier.pt, w07 language_model.pt): the reference's
checkpoint passes; a missing, unreadable, malicious, symlinked, oversized, mismatched or untrained one fails the item
"checkpoint" with a message that says what is wrong. (That the other items do not depend on it is shown end to end
in tests/test_nbgrader_e2e.py: the blank release has no checkpoint.)"""
import importlib
import os
import pickle

import pytest
import torch

from autograder.course import reference_files
from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.submitted_files import SubmittedFiles
from sandboxes import warm_launcher

WEEKS = ["w06_classifier", "w07_language_model"]


def grade_with_files(week, folder, max_bytes=None):
    files = SubmittedFiles(folder) if max_bytes is None else SubmittedFiles(folder, max_bytes=max_bytes)
    results = run_checks(week, LocalImplementation.from_source(reference_cells(week), forbidden_patterns(week), files),
                         items=["checkpoint"])
    return results["checkpoint"]


def checkpoint_name(week):
    return check_module(week).CHECKPOINT


def reference_checkpoint(week):
    return torch.load(reference_files(week)[0], weights_only=True)


class Exploit:
    """Unpickling this runs os.system: torch.load(weights_only=True) must refuse it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("week", WEEKS)
def test_the_reference_checkpoint_passes(week, tmp_path):
    (tmp_path / checkpoint_name(week)).write_bytes(reference_files(week)[0].read_bytes())
    result = grade_with_files(week, tmp_path)
    assert result.passed, result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_the_reference_checkpoint_passes_in_the_worker_process(week):
    impl = SandboxedImplementation(reference_cells(week), forbidden_patterns(week), warm_launcher(), files=SubmittedFiles.reference(week))
    try:
        result = run_checks(week, impl, items=["checkpoint"])["checkpoint"]
    finally:
        impl.close()
    assert result.passed, result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_a_missing_checkpoint_says_so(week, tmp_path):
    result = grade_with_files(week, tmp_path)
    assert not result.passed and f"{checkpoint_name(week)} (beside your notebook) was not found" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_a_file_that_is_not_a_checkpoint_says_so(week, tmp_path):
    (tmp_path / checkpoint_name(week)).write_bytes(b"these are not the weights you are looking for")
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "could not be loaded with torch.load" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_a_malicious_pickle_is_refused_and_never_runs(week, tmp_path):
    marker = tmp_path / "exploited"
    with open(tmp_path / checkpoint_name(week), "wb") as f:
        pickle.dump({"config": {}, "state_dict": Exploit(marker)}, f)
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "weights_only" in result.feedback
    assert not marker.exists()


@pytest.mark.parametrize("week", WEEKS)
def test_a_symlink_is_refused(week, tmp_path):
    (tmp_path / checkpoint_name(week)).symlink_to(reference_files(week)[0])  # e.g. to the instructor's files
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "hand in a regular file" in result.feedback


def test_a_folder_in_place_of_the_checkpoint_is_refused(tmp_path):
    week = WEEKS[0]
    (tmp_path / checkpoint_name(week)).mkdir()
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "is not a regular file" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_an_oversized_file_is_refused(week, tmp_path):
    (tmp_path / checkpoint_name(week)).write_bytes(reference_files(week)[0].read_bytes())
    result = grade_with_files(week, tmp_path, max_bytes=1000)
    assert not result.passed and "the limit is 1,000" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_weights_that_do_not_fit_the_config_say_so(week, tmp_path):
    checkpoint = reference_checkpoint(week)
    checkpoint["config"]["hidden_size"] += 1
    torch.save(checkpoint, tmp_path / checkpoint_name(week))
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "the saved weights do not fit" in result.feedback and "size mismatch" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_a_wrong_vocabulary_size_says_so(week, tmp_path):
    checkpoint = reference_checkpoint(week)
    checkpoint["config"]["vocab_size"] -= 1
    torch.save(checkpoint, tmp_path / checkpoint_name(week))
    result = grade_with_files(week, tmp_path)
    assert not result.passed and "config['vocab_size'] should be the size" in result.feedback


@pytest.mark.parametrize("week", WEEKS)
def test_an_untrained_model_misses_the_threshold(week, tmp_path):
    checkpoint = reference_checkpoint(week)
    reference = importlib.import_module(f"solutions.{week}")
    model_class = reference.TextClassifier if week == "w06_classifier" else reference.CharLM
    torch.manual_seed(0)
    checkpoint["state_dict"] = model_class(**checkpoint["config"]).state_dict()  # saved before training
    torch.save(checkpoint, tmp_path / checkpoint_name(week))
    result = grade_with_files(week, tmp_path)
    assert not result.passed
    assert ("accuracy on the 494 test questions is too low" in result.feedback
            or "perplexity on 20,000 validation characters is too high" in result.feedback), result.feedback
