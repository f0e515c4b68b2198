"""The source notebooks agree with solutions/ and follow the contract's nbgrader ids."""
import pytest

from autograder.notebooks import (graded_items, is_answer_cell, nbgrader_meta, read_notebook, solution_sources,
                                  source_notebook_path, sync_answer_cells, weeks)
from autograder.runner import week_items


@pytest.mark.parametrize("week", weeks())
def test_answer_cells_equal_the_reference_solutions(week):
    nb = read_notebook(source_notebook_path(week))
    assert sync_answer_cells(nb, week) == []


@pytest.mark.parametrize("week", weeks())
def test_every_item_has_one_answer_cell_and_one_graded_test_cell(week):
    nb = read_notebook(source_notebook_path(week))
    answers = [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_answer_cell(c)]
    items = week_items(week)
    # "checkpoint" grades a file the student hands in (the trained model), not an answer cell
    coded = [item for item in items if item != "checkpoint"]
    assert sorted(answers) == sorted(coded) and len(answers) == len(set(answers))
    assert sorted(graded_items(nb)) == sorted(items)
    assert set(solution_sources(week)) >= set(coded)


@pytest.mark.parametrize("week", ["w06_classifier", "w07_language_model"])
def test_training_weeks_grade_a_checkpoint_the_reference_made(week):
    from autograder.course import reference_files
    from autograder.runner import check_module
    assert week_items(week)[-1] == "checkpoint"
    assert [p.name for p in reference_files(week)] == [check_module(week).CHECKPOINT]


@pytest.mark.parametrize("week", weeks())
def test_the_notebook_says_which_items_are_graded_with_the_reference_of_another(week):
    """Error carried forward is announced where the student reads the rules, with every pair of the check module's
    BUILDS_ON, and so is the difference from the visible checks (which run the student's own functions)."""
    from autograder.runner import check_module
    intro = next(c.source for c in read_notebook(source_notebook_path(week)).cells if "**How to work.**" in c.source)
    assert "graded on its own" in intro and "*your own* functions" in intro
    for item, builds_on in check_module(week).BUILDS_ON.items():
        assert f"`{item}` on your " + " and ".join(f"`{d}`" for d in builds_on) in intro, (item, builds_on)
