"""Reading and writing course notebooks: answer cells, and their link to ``solutions/``.

The solution code lives once, in ``solutions/WEEK.py``. Each answer cell of
``assignments/WEEK/WEEK.ipynb`` (nbgrader ``grade_id`` = item name) holds the
exact source of that item's definition; ``sync_answer_cells`` copies it there
and the tests prove the two agree.
"""
import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SETUP_PREFIX = "setup"


class NotebookError(ValueError):
    """A notebook that cannot be graded as it is (malformed, missing cells, ...)."""


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer_cell(cell):
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_setup_cell(cell):
    meta = nbgrader_meta(cell)
    return (cell.get("cell_type") == "code" and meta.get("locked") and not meta.get("grade")
            and str(meta.get("grade_id", "")).startswith(SETUP_PREFIX))


def is_test_cell(cell):
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def cells_for_grading(nb):
    """The (cell id, source) pairs a worker executes: setup cells and answer cells, in order."""
    return [(nbgrader_meta(c)["grade_id"], c.source) for c in nb.cells if is_setup_cell(c) or is_answer_cell(c)]


def graded_items(nb):
    """Items with a graded test cell ``test_ITEM``: {item: points}."""
    items = {}
    for cell in nb.cells:
        if is_test_cell(cell):
            grade_id = str(nbgrader_meta(cell).get("grade_id", ""))
            if grade_id.startswith("test_"):
                items[grade_id.removeprefix("test_")] = float(nbgrader_meta(cell).get("points", 0))
    return items


def read_notebook(path):
    """Read a notebook or raise NotebookError with a readable reason."""
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except UnicodeDecodeError:
        raise NotebookError(f"{path.name} is not UTF-8 text") from None
    except Exception as exc:  # nbformat raises several types for bad JSON
        raise NotebookError(f"{path.name} is not a valid notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return nb


def solution_sources(week):
    """{name: source} of every top-level definition in solutions/WEEK.py."""
    path = ROOT / "solutions" / f"{week}.py"
    text = path.read_text()
    lines = text.splitlines()
    body = ast.parse(text).body
    starts = [min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) for n in body]
    sources = {}
    for i, node in enumerate(body):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            # up to the next top-level statement: trailing comments (### END SOLUTION) belong to the definition
            end = starts[i + 1] - 1 if i + 1 < len(body) else len(lines)
            sources[node.name] = "\n".join(lines[starts[i] - 1 : end]).rstrip()
    return sources


def solution_imports(week):
    """The import lines of solutions/WEEK.py: the setup cell of the notebook runs the same."""
    text = (ROOT / "solutions" / f"{week}.py").read_text()
    return [ast.get_source_segment(text, n) for n in ast.parse(text).body if isinstance(n, (ast.Import, ast.ImportFrom))]


def reference_cells(week, definitions=None):
    """[(cell id, source)] as a notebook's setup and answer cells would hold them: the reference solutions, with
    ``definitions`` ({name: source}) replacing some (for tests and samples)."""
    sources = {**solution_sources(week), **(definitions or {})}
    return [("setup", "\n".join(solution_imports(week)))] + list(sources.items())


def sync_answer_cells(nb, week):
    """Copy each item's reference source into its answer cell. Returns the ids changed."""
    sources = solution_sources(week)
    changed = []
    for cell in nb.cells:
        if is_answer_cell(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            if grade_id not in sources:
                raise NotebookError(f"answer cell {grade_id!r} has no definition in solutions/{week}.py")
            if cell.source != sources[grade_id]:
                cell.source = sources[grade_id]
                changed.append(grade_id)
    return changed


def source_notebook_path(week):
    return ROOT / "assignments" / week / f"{week}.ipynb"


def weeks():
    return sorted(p.name for p in (ROOT / "assignments").iterdir() if (p / f"{p.name}.ipynb").exists())
