"""Execute every lecture notebook and check that it runs cleanly.

A lecture passes when every cell executes without an error output and without writing anything to stderr
(warnings included). Slow: each notebook starts its own kernel.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

LECTURES = Path(__file__).resolve().parent.parent / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))


@pytest.fixture(scope="module", autouse=True)
def matplotlib_font_cache():
    """Build matplotlib's font cache before any kernel starts.

    On a fresh machine the first matplotlib import prints "Matplotlib is building the font cache" to stderr,
    which would make the first notebook fail for a reason that has nothing to do with its content.
    """
    import matplotlib.font_manager  # noqa: F401  (importing builds and saves the cache)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lecture_executes_cleanly(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,                 # seconds per cell
        allow_errors=True,           # collect every problem below instead of stopping at the first
        resources={"metadata": {"path": str(LECTURES)}},   # run with cwd = lectures/
    )
    client.execute()

    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {index} wrote to stderr: {output.text.strip()[:500]}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
