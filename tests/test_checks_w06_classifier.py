"""Week-specific checks of the checks for w06_classifier (the generic ones: tests/test_checks_of_checks.py)."""
from autograder.implementation import SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed

WEEK = "w06_classifier"


def test_nothing_is_forbidden():
    """torch.nn layers are allowed this week."""
    assert check_module(WEEK).FORBIDDEN == {"pad_sequences": [], "lengths_to_mask": [], "masked_mean": [],
                                            "TextClassifier": [], "checkpoint": []}


def test_a_different_architecture_passes_in_the_worker_process():
    """A layout unlike the reference's (no state dict to load) is graded on the invariances alone."""
    sample = next(s for s in samples(WEEK) if s.name == "correct_lstm_final_states")
    impl = SandboxedImplementation(reference_cells(WEEK, sample.definitions), forbidden_patterns(WEEK), Unsandboxed())
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    # its checkpoint would come from its own training: the item is graded in tests/test_checkpoint_checks.py
    coded = {item: r for item, r in results.items() if item != "checkpoint"}
    assert all(r.passed for r in coded.values()), "\n".join(r.feedback for r in coded.values() if not r.passed)
