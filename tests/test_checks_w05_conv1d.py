"""Week-specific checks of the checks for w05_conv1d (the generic ones: tests/test_checks_of_checks.py)."""
import inspect

import pytest

from autograder.implementation import SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from sandboxes import warm_launcher

WEEK = "w05_conv1d"
CONV = ["torch.nn.functional.conv*", "torch.conv*", "torch.nn.Conv*", "torch.convolution", "torch._convolution"]

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def test_forbidden_built_ins_follow_the_contract():
    assert check_module(WEEK).FORBIDDEN == {"conv1d": CONV, "conv1d_output_length": [], "Conv1d": CONV,
                                            "receptive_field": [], "causal_conv1d": CONV}


def test_the_lectures_worked_example_is_a_hidden_check():
    checks = check_module(WEEK)
    titles = [inspect.getdoc(f) for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert any("[5, 6, 7, 2]" in t for t in titles)


# Samples whose verdict rests on what crosses the wire to the worker: a NumPy integer returned, an exception's kind
# (ValueError or not), an output or parameters without a gradient, a layer's initial weights read back.
WORKER_SAMPLES = ["receptive_field_numpy_prod", "conv1d_no_shape_checks", "output_length_no_fit_check",
                  "conv1d_result_through_item", "layer_uses_weight_data", "layer_randn_init"]


@pytest.mark.parametrize("name", WORKER_SAMPLES)
def test_sample_loses_its_item_in_the_worker_process(name):
    sample = next(s for s in samples(WEEK) if s.name == name)
    (item, phrase), = sample.expect.items()
    impl = SandboxedImplementation(reference_cells(WEEK, sample.definitions), forbidden_patterns(WEEK), warm_launcher())
    try:
        result = run_checks(WEEK, impl, items=[item])[item]
    finally:
        impl.close()
    assert not result.passed and phrase in result.feedback, result.feedback
    clause = next(c for c in check_module(WEEK).CLAUSES if c.sample == name)
    assert result.failures[0].name == inspect.getdoc(getattr(check_module(WEEK), clause.check)), result.feedback
