"""Helpers to write nbgrader source notebooks from Python (for course authors).

    nb = new_assignment([
        md("# Week 1"), setup("import torch"), answer("w01_rnn", "rnn_cell"),
        test("rnn_cell", points=2, visible="assert ..."),
    ])

Answer cells take their source from ``solutions/WEEK.py``; test cells get a
hidden section that names the trusted checks (removed from the release).
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .notebooks import solution_sources

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _meta(grade_id, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text, grade_id=None):
    cell = new_markdown_cell(text.strip())
    if grade_id:
        cell.metadata = _meta(grade_id, locked=True)
    return cell


def setup(source, grade_id="setup"):
    """A read-only cell that the grader's worker also runs (imports)."""
    return new_code_cell(source.strip(), metadata=_meta(grade_id, locked=True))


def code(source, grade_id=None):
    """An ordinary cell (demos, plots); read-only when given a grade_id."""
    return new_code_cell(source.strip(), metadata=_meta(grade_id, locked=True) if grade_id else {})


def answer(week, item):
    return new_code_cell(solution_sources(week)[item], metadata=_meta(item, solution=True))


def test(week, item, points, visible):
    source = (visible.strip() + "\n\n### BEGIN HIDDEN TESTS\n"
              f"# Graded by the trusted checker outside this kernel: autograder/checks/test_{week}.py, item {item}\n"
              "### END HIDDEN TESTS")
    return new_code_cell(source, metadata=_meta(f"test_{item}", grade=True, locked=True, points=points))


def new_assignment(cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb, path):
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
