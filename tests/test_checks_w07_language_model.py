"""Week-specific checks of the checks for w07_language_model (the generic ones: tests/test_checks_of_checks.py)."""
import inspect

from autograder.runner import check_module

WEEK = "w07_language_model"
PPL = ["torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss", "torch.nn.CrossEntropyLoss",
       "torch.nn.NLLLoss"]


def test_forbidden_built_ins_follow_the_contract():
    assert check_module(WEEK).FORBIDDEN == {"perplexity": PPL, "temperature_softmax": [], "sample_next": [],
                                            "CharLM": [], "generate": [], "checkpoint": []}


def test_the_goodness_of_fit_test_states_its_significance_level():
    checks = check_module(WEEK)
    titles = [inspect.getdoc(f) for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert any("chi-square" in t and "alpha" in t for t in titles)
