"""Execute every lecture notebook, and the solution notebook of every function week, and check each runs cleanly.

A notebook passes when every cell executes without an error output and without writing anything to stderr
(warnings included). The solution notebook is the nbgrader source (`assignments/WEEK/WEEK.ipynb`, answers and
hidden tests in place), run as an instructor runs it before releasing. The training weeks' notebooks are run
by the browser tests (tests/e2e/test_student_jupyterlab.py): Run All trains, saves the checkpoint, and the hidden
checks grade it. Slow: each notebook starts its own kernel.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.notebooks import source_notebook_path

LECTURES = Path(__file__).resolve().parent.parent / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
FUNCTION_WEEKS = ["w01_rnn", "w02_lstm", "w03_gru", "w04_embedding", "w05_conv1d"]


@pytest.fixture(scope="module", autouse=True)
def matplotlib_font_cache():
    """Build matplotlib's font cache before any kernel starts.

    On a fresh machine the first matplotlib import prints "Matplotlib is building the font cache" to stderr,
    which would make the first notebook fail for a reason that has nothing to do with its content.
    """
    import matplotlib.font_manager  # noqa: F401  (importing builds and saves the cache)


def problems_running(path):
    """Execute the notebook at `path` (cwd = its folder); return every error output and every stderr write."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,                 # seconds per cell
        allow_errors=True,           # collect every problem below instead of stopping at the first
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()

    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {index} wrote to stderr: {output.text.strip()[:500]}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lecture_executes_cleanly(path):
    problems = problems_running(path)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("week", FUNCTION_WEEKS)
def test_solution_notebook_executes_cleanly(week):
    path = source_notebook_path(week)
    problems = problems_running(path)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
