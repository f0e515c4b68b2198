"""lectures/README.md maps every topic of the source lecture decks to a lecture cell and a graded item.

The decks live outside the repository (`../shared/source-lectures/` next to the checkout); where that folder is
missing (CI clones the repository alone) only the links and item names are checked.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
TOPIC_MAP = LECTURES / "README.md"
DECKS = Path(__file__).resolve().parents[2] / "shared" / "source-lectures"

LINK = re.compile(r"\]\(([^()\s#]+\.ipynb)#([^()\s]+)\)")          # [text](NOTEBOOK.ipynb#CELL-ID)
ITEM = re.compile(r"`(w\d\d_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_]*)`")   # `WEEK.ITEM`
DECK = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def topic_rows():
    """The rows of the topic map: the table whose first column names a deck, with five columns."""
    rows = []
    text = TOPIC_MAP.read_text(encoding="utf-8")
    table = text.split("## Topic map", 1)[1]
    for line in table.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if DECK.search(cells[0]):
            rows.append(cells)
    return rows


def cell_ids(notebook):
    return {cell.get("id") for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]}


def test_the_topic_map_has_a_row_per_topic_with_five_columns():
    rows = topic_rows()
    assert len(rows) >= 5
    bad = [row for row in rows if len(row) != 5]
    assert not bad, f"rows without exactly 5 columns (Deck, Topic, Lecture cell, Graded item, Notes): {bad}"


def test_a_topic_without_a_lecture_cell_says_why():
    unexplained = [row[1] for row in topic_rows() if not LINK.search(row[2]) and not row[4]]
    assert not unexplained, f"topics with neither a lecture cell nor a note saying why: {unexplained}"


def test_every_linked_lecture_cell_exists():
    links = [(name, cell_id) for row in topic_rows() for name, cell_id in LINK.findall(" | ".join(row))]
    assert links
    missing = []
    for name, cell_id in links:
        notebook = LECTURES / name
        if not notebook.is_file():
            missing.append(f"{name} (no such notebook)")
        elif cell_id not in cell_ids(notebook):
            missing.append(f"{name}#{cell_id} (no cell with this id)")
    assert not missing, "broken links in lectures/README.md:\n" + "\n".join(sorted(set(missing)))


def test_every_graded_item_exists():
    items = [(week, item) for row in topic_rows() for week, item in ITEM.findall(row[3])]
    assert items
    missing = []
    for week, item in items:
        notebook = ROOT / "assignments" / week / f"{week}.ipynb"
        if not notebook.is_file():
            missing.append(f"{week}.{item} (no assignment {week})")
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        grade_ids = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in cells}
        if f"test_{item}" not in grade_ids:
            missing.append(f"{week}.{item} (no graded cell test_{item})")
    assert not missing, "unknown graded items in lectures/README.md:\n" + "\n".join(sorted(set(missing)))


def test_every_deck_is_in_the_topic_map():
    if not DECKS.is_dir():
        pytest.skip(f"the source decks are not next to this checkout ({DECKS})")
    decks = {path.name for path in DECKS.glob("*.txt")}
    named = {DECK.search(row[0]).group() for row in topic_rows()}
    assert decks, f"no decks in {DECKS}"
    assert not decks - named, f"decks without a row in lectures/README.md: {sorted(decks - named)}"
    assert not named - decks, f"rows naming a deck that does not exist: {sorted(named - decks)}"
