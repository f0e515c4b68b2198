"""Exports instructors ask for, beside ``nbgrader export``.

- ``items_csv``: one row per student, one column per graded item (points), and the total.
- ``gradescope_results``: one ``results.json`` per submission in the Gradescope autograder format
  (``score``, and per item a test with ``name``, ``score``, ``max_score`` and ``output``: the feedback).
"""
import csv
import json
from pathlib import Path

import nbformat

from .course import grade_table
from .notebooks import nbgrader_meta
from .runner import week_items


def items_csv(week, path, db_url=None, root=None):
    table = grade_table([week], db_url=db_url, **({"root": root} if root else {}))
    items = week_items(week)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *items, "total", "max_total"])
        for (student, _), row in sorted(table.items()):
            scores = [_fmt(row["items"].get(item, (None, None))[0]) for item in items]
            writer.writerow([student, *scores, _fmt(row["total"][0]), _fmt(row["total"][1])])
    return Path(path)


def gradescope_results(week, out_dir, root, db_url=None):
    """Writes OUT_DIR/STUDENT/results.json for every graded submission; returns the paths."""
    table = grade_table([week], db_url=db_url, root=root)
    written = []
    for (student, _), row in sorted(table.items()):
        feedback = _test_cell_feedback(Path(root) / "autograded" / student / week / f"{week}.ipynb")
        tests = [{"name": item, "score": _num(row["items"][item][0]), "max_score": _num(row["items"][item][1]),
                  "output": feedback.get(item, "")} for item in week_items(week) if item in row["items"]]
        results = {"score": _num(row["total"][0]), "tests": tests}
        target = Path(out_dir) / student / "results.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(results, indent=2))
        written.append(target)
    return written


def _test_cell_feedback(path):
    """{item: text of its graded test cell's outputs} from an autograded notebook (empty if none)."""
    if not path.exists():
        return {}
    nb = nbformat.read(path, as_version=4)
    feedback = {}
    for cell in nb.cells:
        grade_id = str(nbgrader_meta(cell).get("grade_id", ""))
        if cell.cell_type == "code" and grade_id.startswith("test_") and nbgrader_meta(cell).get("grade"):
            parts = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    parts.append(output.get("text", ""))
                elif output.get("output_type") == "error":
                    parts.append("\n".join(output.get("traceback", [])))
            feedback[grade_id.removeprefix("test_")] = "".join(p if p.endswith("\n") else p + "\n" for p in parts)
    return feedback


def _num(value):
    return 0.0 if value is None else float(value)


def _fmt(value):
    return "" if value is None else f"{float(value):g}"
