"""The training weeks' source notebooks, answers filled in, run top to bottom as a student runs them: they train,
reach the threshold they state, save the checkpoint, and the hidden checks accept that checkpoint."""
import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.implementation import LocalImplementation
from autograder.notebooks import source_notebook_path
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.submitted_files import SubmittedFiles

pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("week", ["w06_classifier", "w07_language_model"])
def test_the_solution_notebook_trains_saves_and_passes(week, tmp_path):
    shutil.copy(source_notebook_path(week), tmp_path / f"{week}.ipynb")
    nb = nbformat.read(tmp_path / f"{week}.ipynb", as_version=4)
    started = time.monotonic()
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    seconds = time.monotonic() - started
    print(f"{week}: executed in {seconds:.0f} s")  # the budget: 3 minutes on 2 cores

    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "hand it in with this notebook" in outputs  # the save cell ran after training
    assert "checkpoint:" in outputs and "visible check passed" in outputs, outputs[-2000:]
    checkpoint = check_module(week).CHECKPOINT
    assert (tmp_path / checkpoint).is_file()

    reference = __import__(f"solutions.{week}", fromlist=["*"])
    impl = LocalImplementation(reference, forbidden_patterns(week), SubmittedFiles(tmp_path))
    result = run_checks(week, impl, items=["checkpoint"])["checkpoint"]
    assert result.passed, result.feedback
