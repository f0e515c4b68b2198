"""The clause table: every promise of every item has a hidden check and a sample that breaks it.

That the sample fails exactly the clause's check (and loses exactly its item) is asserted where the samples are
graded anyway, in ``tests/test_checks_of_checks.py``.
"""
import pytest

from autograder.checks.clauses import clause_table, week_clauses
from autograder.notebooks import ROOT, weeks
from autograder.runner import check_module, week_items
from autograder.samples import samples

WEEKS = weeks()
FILE_ITEMS = {"checkpoint"}  # a trained model handed in as a file: its checks of checks are test_checkpoint_checks.py
TABLE = ROOT / "autograder" / "checks" / "CLAUSES.md"


@pytest.mark.parametrize("week", WEEKS)
def test_every_item_has_clauses(week):
    assert {c.item for c in week_clauses(week)} == set(week_items(week))


@pytest.mark.parametrize("week", WEEKS)
def test_each_clause_names_a_check_of_its_item_and_a_sample_that_breaks_only_it(week):
    module = check_module(week)
    by_name = {s.name: s for s in samples(week)}
    clauses = week_clauses(week)
    for clause in clauses:
        check = getattr(module, clause.check, None)
        assert callable(check), f"{clause}: no check named {clause.check} in {module.__name__}"
        marks = [m.args[0] for m in getattr(check, "pytestmark", []) if m.name == "item"]
        assert marks == [clause.item], f"{clause}: {clause.check} grades {marks}, not {clause.item}"
        if clause.item in FILE_ITEMS:
            continue
        assert clause.sample in by_name, f"{clause}: no sample autograder/samples/{week}/{clause.sample}.py"
        assert set(by_name[clause.sample].expect) == {clause.item}, \
            f"{clause}: the sample must break {clause.item} alone, it expects {by_name[clause.sample].expect}"
    cited = [c.sample for c in clauses if c.sample]
    assert len(cited) == len(set(cited)), "a sample breaks one promise: each is cited by one clause"
    assert len({(c.item, c.promise) for c in clauses}) == len(clauses), "a promise is listed once"


def test_clause_table_is_current():
    """`autograder clauses --write` regenerates it from the check modules."""
    assert TABLE.read_text() == clause_table(WEEKS), "run: python -m autograder clauses --write"


def test_clause_table_names_a_missing_check():
    """A check of the table itself: a clause whose check does not exist shows up as missing."""
    from autograder.checks.clauses import Clause
    module = check_module(WEEKS[0])
    clauses = list(getattr(module, "CLAUSES", []))
    try:
        module.CLAUSES = clauses + [Clause(week_items(WEEKS[0])[0], "a made-up promise", "test_no_such_check", None)]
        assert "`test_no_such_check`: (missing)" in clause_table(WEEKS[:1])
    finally:
        module.CLAUSES = clauses
