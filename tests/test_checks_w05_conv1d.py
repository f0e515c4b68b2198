"""Week-specific checks of the checks for w05_conv1d (the generic ones: tests/test_checks_of_checks.py)."""
import inspect

from autograder.runner import check_module

WEEK = "w05_conv1d"
CONV = ["torch.nn.functional.conv*", "torch.conv*", "torch.nn.Conv*", "torch.convolution", "torch._convolution"]


def test_forbidden_built_ins_follow_the_contract():
    assert check_module(WEEK).FORBIDDEN == {"conv1d": CONV, "conv1d_output_length": [], "Conv1d": CONV,
                                            "receptive_field": [], "causal_conv1d": CONV}


def test_the_lectures_worked_example_is_a_hidden_check():
    checks = check_module(WEEK)
    titles = [inspect.getdoc(f) for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert any("[5, 6, 7, 2]" in t for t in titles)
