"""Week-specific checks of the checks for w07_language_model (the generic ones: tests/test_checks_of_checks.py)."""
import inspect
import math

import torch

import solutions.w07_language_model as ref
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


# -- the inputs of the checks expose what they claim to -------------------------------------------------------------

def test_greedy_logits_catch_a_sampler_at_any_seed():
    """A sample_next that samples at T = 1 when asked for T = 0 matches the argmax of all 64 flat rows with
    probability below 1e-45: it fails the greedy check whatever the global random state."""
    checks = check_module(WEEK)
    seed, B, V, scale = checks.GREEDY_CASES[-1]
    logits = checks.random_tensor(seed, B, V, scale=scale)
    p_max = torch.softmax(logits, -1).max(-1).values
    assert float(p_max.log().sum()) < math.log(1e-45)


def test_perplexity_stability_inputs_break_the_naive_formulas():
    checks = check_module(WEEK)
    # logits of 1e4: exp overflows in both dtypes, and one row underflows entirely below the global maximum
    for dtype in (torch.float64, torch.float32):
        x = checks.LARGE_LOGITS.to(dtype)
        assert torch.isinf(torch.exp(x)).any() and bool((torch.exp(x - x.max()).sum(-1) == 0).any())
        assert math.isfinite(float(ref.perplexity(x, checks.LARGE_TARGETS)))
    # unlikely targets: the target's softmax probability is exactly 0, the true perplexity is finite in the dtype
    for rows, gaps, dtype, low, high in ((30, [2e4], torch.float64, 1e280, 1e300),
                                         (400, [2e4, 200.0], torch.float32, 1e20, 1e23)):
        logits, targets = checks.unlikely_targets(rows, gaps)
        x = logits.to(dtype)
        p = torch.softmax(x, -1).gather(1, targets[:, None])
        assert int((p == 0).sum()) == len(gaps)
        assert low < float(ref.perplexity(x, targets)) < high
        assert math.isclose(float(ref.perplexity(x, targets)), float(ref.perplexity(logits, targets)), rel_tol=1e-3)
    # many targets: the product of the target probabilities underflows to 0 in both dtypes
    logits = checks.random_tensor(13, 8, 150, 50)
    targets = torch.randint(0, 50, (8, 150), generator=torch.Generator().manual_seed(14))
    for dtype in (torch.float64, torch.float32):
        p = torch.softmax(logits.to(dtype), -1).gather(-1, targets[..., None])
        assert float(p.prod()) == 0.0 and 10 < float(ref.perplexity(logits.to(dtype), targets)) < 200

    # one target 700 below the maximum: its probability is representable in float64, the perplexity huge but finite
    logits, targets = checks.unlikely_targets(1, [700.0])
    assert 1e-310 < float(torch.softmax(logits, -1)[0, 0]) and 1e300 < float(ref.perplexity(logits, targets)) < 1e308
