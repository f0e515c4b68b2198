"""Hidden checks of week 7: perplexity, temperature sampling and a character language model."""
import math
import warnings

from typing import Optional, Tuple

import pytest
import torch
import torch.nn as nn
from hypothesis import given
from hypothesis import strategies as st

import solutions.w07_language_model as ref
from autograder.checks.clauses import Clause
from autograder.messages import N_, _
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import HINT
from autograder.checks.helpers import (expect_value_error, CheckFailure, F64, assert_close, assert_tensor, describe, fail, load_checkpoint,
                                       model_from_checkpoint, random_tensor, seeds)
from autograder.implementation import MissingDefinition, StudentCodeError
from course_data.char_corpus import CharVocab, load_shakespeare

WEEK = "w07_language_model"
FORBIDDEN = {
    "perplexity": ["torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
                   "torch.nn.CrossEntropyLoss", "torch.nn.NLLLoss"],
    "temperature_softmax": [],
    "sample_next": [],
    "CharLM": [],
    "generate": [],
    "checkpoint": [],
}
# Each item is graded on its own: while sample_next is checked, temperature_softmax is the reference's. generate
# keeps the student's sample_next: it draws random numbers, which must come from the student's process (the
# global random state the checks seed there), not from the grader's.
BUILDS_ON = {"sample_next": ["temperature_softmax"]}

# The trained language model: the notebook saves it and states this threshold. It is measured on the first
# VALID_CHARS characters of the validation text, read as VALID_STREAMS contiguous streams, SEQ_LEN at a time,
# carrying the state (as train_language_model evaluates). A uniform model scores 64, the unigram model 27.7,
# the reference 5.02.
CHECKPOINT = "language_model.pt"
VALID_PERPLEXITY_THRESHOLD = 6.0
VALID_CHARS, VALID_STREAMS, SEQ_LEN = 20000, 16, 64
SAVE_HINT = N_("run the training cell, then the cell that saves the checkpoint: {code}, and hand language_model.pt "
               "in with the notebook")
SAVE_CODE = "torch.save({'config': {...}, 'state_dict': lm.state_dict()}, 'language_model.pt')"


def save_hint():
    return _(SAVE_HINT).format(code=SAVE_CODE)


# Goodness of fit of sample_next: Pearson's chi-square statistic over V = 5 classes (4 degrees of freedom),
# rejected at significance level alpha = 0.001, whose critical value is 18.467 (chi-square quantile 0.999, df 4).
CHI2_ALPHA = 0.001
CHI2_CRITICAL_DF4 = 18.467
CHI2_DRAWS = 4000

# -- hints -------------------------------------------------------------------------------------

NO_EXP = N_("perplexity is exp(mean NLL): you returned the mean negative log-likelihood itself (apply torch.exp)")
EXP_OF_SUM = N_("perplexity is exp of the MEAN negative log-likelihood: you took exp of the sum (divide by the number "
                "of targets first)")
LOG2 = N_("use the natural log (torch.log / logsumexp) with exp at the end (or log2 with 2**, consistently): your NLL "
          "and your exponential use different bases")
MEAN_OF_EXP = N_("average the negative log-likelihoods first, then take exp once: exp(mean NLL), not the mean of "
                 "per-token exp(NLL) (nor of per-row perplexities)")
IGNORE_COUNTED = N_("targets equal to ignore_index are left out of the mean entirely: divide by the number of kept "
                    "targets, not by all positions")
IGNORE_HARDCODED = N_("leave out the targets equal to the ignore_index ARGUMENT (here not -100), not a hard-coded -100")
OVERFLOW = N_("compute log-softmax stably: log p = logit - logsumexp(logits), where logsumexp subtracts each row's "
              "maximum before exp. exp of a large logit overflows to inf (in exp(logit) / exp(logits).sum() and in "
              "log(exp(logits).sum()) alike), and exp of very negative logits underflows to 0")
CLAMPED = N_("the logits are huge but the true perplexity is small: do not clamp the logits or the probabilities; "
             "logit - logsumexp(logits) is exact for any logits")
PRECISION = N_("float64 logits call for float64 precision: compute in the logits' dtype from start to end "
               "(no .float(), no torch.tensor(...) of a Python number, which is float32)")
GLOBAL_MAX = N_("subtract each row's OWN maximum (logits.max(dim=-1, keepdim=True)), not one maximum of the whole "
                "tensor: in a row far below the global maximum every exp underflows to 0, and log(0) = -inf")
UNDERFLOW = N_("the probability of a target far below its row's maximum underflows to 0, and log(0) = -inf: never take "
               "log(softmax(...)); use log-probabilities directly, logit - logsumexp(logits) (or torch.log_softmax)")
EPSILON = N_("a very unlikely target gets the wrong NLL: do not clamp the probabilities or add an epsilon before the "
             "log (that caps the NLL), and do not clamp the logits; logit - logsumexp(logits) is exact")
HUGE = N_("perplexity may be huge and still finite in float64 (up to about 1.8e308): compute it in the logits' dtype "
          "from start to end, never in float32 (where exp overflows above exp(88.7))")
PRODUCT = N_("a product of many probabilities underflows to 0 (and exp of a sum of NLLs overflows): average the "
             "log-probabilities and take exp once, exp(mean NLL)")
PPL_DTYPE = N_("return the dtype of the logits: compute in it (no .double() or .float()), as torch.logsumexp and "
               "torch.exp do")
TEMP_MULTIPLY = N_("divide the logits by the temperature (softmax(logits / T)), do not multiply")
WRONG_DIM = N_("the softmax runs over the last dimension (the vocabulary), dim=-1")


def _gen(seed):
    return torch.Generator().manual_seed(seed)


# -- perplexity --------------------------------------------------------------------------------

def _ppl_mistakes(logits, targets, ignore_index=-100):
    keep = targets != ignore_index
    lp = torch.log_softmax(logits.to(F64), dim=-1)
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -lp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    kept = nll[keep]
    out = {_(NO_EXP): kept.mean(), _(LOG2): torch.exp(kept.mean() / math.log(2)),
           _(LOG2) + " ": torch.exp2(kept.mean()), _(MEAN_OF_EXP): torch.exp(kept).mean(),
           _(EXP_OF_SUM): torch.exp(kept.sum())}
    if kept.numel() != nll.numel():
        out[_(IGNORE_COUNTED)] = torch.exp((nll * keep).sum() / nll.numel())
        if ignore_index != -100 and bool(((targets >= 0) & (targets < logits.shape[-1])).all()):
            out[_(IGNORE_HARDCODED)] = torch.exp(-lp.gather(-1, targets.unsqueeze(-1)).mean())
    if nll.dim() >= 2 and bool(keep.all()):
        rows = nll.reshape(-1, nll.shape[-1])
        out[_(MEAN_OF_EXP) + " "] = torch.exp(rows.mean(-1)).mean()
    return {h: v.reshape(()) for h, v in out.items()}


RANK_HINT = N_("logits may have any number of leading dimensions, (V,) with a 0-dim target included: flatten them with "
               "logits.reshape(-1, V) and targets.reshape(-1)")


def _call_perplexity(impl, what, logits, targets, hint=None, **kwargs):
    """The student's perplexity(logits, targets, **kwargs); with a hint, an exception it raises fails the check."""
    if hint is None:
        return impl.perplexity(logits, targets, **kwargs)
    try:
        return impl.perplexity(logits, targets, **kwargs)
    except StudentCodeError as exc:
        if exc.kind == "WorkerFailure" or isinstance(exc, MissingDefinition):
            raise
        error = f"{exc.kind}: {exc.message}"
    except Exception as exc:  # the in-process implementation raises the student's own exception
        error = f"{type(exc).__name__}: {exc}"
    fail(_("{what} raised an error.").format(what=what), _("a 0-dim tensor"), error[:300], hint)


def check_perplexity(impl, logits, targets, what, ignore_index=None, rtol=1e-6, error_hint=None):
    kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
    got = _call_perplexity(impl, what, logits, targets, hint=error_hint, **kwargs)
    expected = ref.perplexity(logits.to(F64), targets, **kwargs)
    assert_tensor(got, what, ())
    if not torch.isfinite(got.detach()).all():
        fail(_("{what} is not finite.").format(what=what), f"{float(expected):.6g}", f"{float(got):.6g}", _(OVERFLOW))
    assert_close(got, expected, what, atol=1e-6, rtol=rtol,
                 mistakes=_ppl_mistakes(logits, targets, -100 if ignore_index is None else ignore_index))


def _same_number(a, b, rtol):
    """Two floats alike: equal infinities, both nan, or close."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-300)


def _translated(hint):
    """A hint constant (N_) in the current language, or None; trailing spaces (which keep alike hints apart as
    dict keys) are kept."""
    if not hint:
        return hint
    text = hint.rstrip(" ")
    return _(text) + hint[len(text):]


def _unstable_perplexities(logits, targets, hints):
    """{hint: value} of classic numerically unstable ways to compute perplexity, in the dtype of ``logits``."""
    x = logits.reshape(-1, logits.shape[-1])
    t = targets.reshape(-1, 1)
    x_t = x.gather(1, t).squeeze(1)
    p = torch.softmax(x, -1).gather(1, t).squeeze(1)
    nll = torch.logsumexp(x, -1) - x_t
    top = x.max()
    ways = {
        OVERFLOW: lambda: torch.exp(-torch.log(torch.exp(x_t) / torch.exp(x).sum(-1)).mean()),
        OVERFLOW + " ": lambda: torch.exp((torch.log(torch.exp(x).sum(-1)) - x_t).mean()),
        GLOBAL_MAX: lambda: torch.exp((top + torch.log(torch.exp(x - top).sum(-1)) - x_t).mean()),
        UNDERFLOW: lambda: torch.exp(-torch.log(p).mean()),
        PRODUCT: lambda: p.prod() ** (-1.0 / p.numel()),
        PRODUCT + " ": lambda: torch.exp(nll.sum()) ** (1.0 / nll.numel()),
    }
    return {hint: float(ways[hint]()) for hint in hints}


def check_stable(impl, logits, targets, what, rtol, mistakes, not_finite_hint, wrong_hint=None):
    """perplexity is finite and right where a naive formula overflows or underflows.

    mistakes: the unstable ways (hints of _unstable_perplexities) this input exposes, to name the student's;
    not_finite_hint / wrong_hint: the hint when the result is inf or nan / finite but wrong and matches none of them.
    All hints are given untranslated (the N_ constants); the one shown is translated here.
    """
    got = _call_perplexity(impl, what, logits, targets)
    expected = float(ref.perplexity(logits.to(F64), targets))
    assert_tensor(got, what, ())
    value = float(got.detach().to(F64))
    if _same_number(value, expected, rtol):
        return
    hint = next((h for h, v in _unstable_perplexities(logits, targets, mistakes).items()
                 if _same_number(value, v, rtol)), None)
    if math.isfinite(value):
        fail(_("{what} has the wrong value.").format(what=what), f"{expected:.6g}", f"{value:.6g}",
             _translated(hint or wrong_hint))
    fail(_("{what} is not finite, although the true value is.").format(what=what), f"{expected:.6g}", f"{value:.6g}",
         _translated(hint or not_finite_hint))


@pytest.mark.item("perplexity")
def test_perplexity_small_examples(impl):
    """perplexity: uniform logits give V, and a hand-computed 2-token example is right"""
    what = _("perplexity(zeros(3, 7), targets) (uniform logits over V = 7 classes, 3 targets)")
    got = _call_perplexity(impl, what, torch.zeros(3, 7, dtype=F64), torch.tensor([0, 3, 6]))
    assert_tensor(got, _("{what}: a 0-dim tensor").format(what=what), ())
    if not math.isclose(float(got), 7.0, rel_tol=1e-9):
        ln7 = math.log(7.0)
        wrong = {_(NO_EXP): ln7, _(EXP_OF_SUM): 7.0 ** 3, _(LOG2): math.exp(math.log2(7.0)),
                 _(LOG2) + " ": 2.0 ** ln7, _(LOG2) + "  ": math.exp(math.log10(7.0)), _(LOG2) + "   ": 10.0 ** ln7}
        hint = next((h for h, v in wrong.items() if math.isclose(float(got), v, rel_tol=1e-6)), None)
        if math.isclose(float(got), 7.0, rel_tol=1e-5):
            hint = _(PRECISION)
        fail(_("{what} should be 7 (to 1e-9 relative).").format(what=what), "7", f"{float(got):.12g}", hint)
    logits = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], dtype=F64))
    check_perplexity(impl, logits, torch.tensor([0, 2]),
                     _("perplexity with p(target) = 0.5 and 0.8 (expected exp(-(log 0.5 + log 0.8)/2) = 1.5811)"))


@pytest.mark.item("perplexity", weight=3)
@given(B=st.integers(1, 3), T=st.integers(1, 6), V=st.integers(2, 9), seed=seeds(), dtype=st.sampled_from([F64, torch.float32]))
def test_perplexity_matches_reference_3d(impl, B, T, V, seed, dtype):
    """perplexity of (B, T, V) logits matches exp(mean NLL) in float32 and float64"""
    logits = random_tensor(seed, B, T, V, scale=3.0).to(dtype)
    targets = torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(seed + 1))
    check_perplexity(impl, logits, targets, _("perplexity of logits of shape {shape} ({dtype})").format(
        shape=(B, T, V), dtype=str(dtype)[6:]))


@pytest.mark.item("perplexity")
def test_perplexity_1d_and_2d(impl):
    """perplexity accepts (V,) logits with a 0-dim target and (T, V) logits with (T,) targets"""
    logits = random_tensor(3, 6)
    check_perplexity(impl, logits, torch.tensor(4), _("perplexity of (V,) = (6,) logits with a 0-dim target 4"),
                     error_hint=_(RANK_HINT))
    logits = random_tensor(4, 5, 6)
    check_perplexity(impl, logits, torch.tensor([0, 5, 2, 2, 1]), _("perplexity of (T, V) = (5, 6) logits"),
                     error_hint=_(RANK_HINT))


@pytest.mark.item("perplexity")
def test_perplexity_keeps_dtype(impl):
    """perplexity returns a 0-dim tensor of the logits' dtype: float32 for float32, float64 for float64"""
    targets = torch.tensor([[1, 0, 3], [2, 2, 0]])
    for dtype in (torch.float32, F64):
        what = _("perplexity of (2, 3, 4) logits of dtype {dtype}").format(dtype=str(dtype)[6:])
        got = _call_perplexity(impl, what, random_tensor(12, 2, 3, 4).to(dtype), targets)
        assert_tensor(got, what, ())
        if got.dtype != dtype:
            fail(_("{what} has the wrong dtype.").format(what=what), str(dtype)[6:], str(got.dtype)[6:], _(PPL_DTYPE))


@pytest.mark.item("perplexity")
@given(seed=seeds(), ignore_index=st.sampled_from([-100, 0, 3]))
def test_perplexity_ignore_index(impl, seed, ignore_index):
    """perplexity leaves targets equal to ignore_index out of the mean"""
    gen = torch.Generator().manual_seed(seed)
    logits = random_tensor(seed, 3, 5, 6, scale=2.0)
    targets = torch.randint(0, 6, (3, 5), generator=gen)
    targets[0, 1] = targets[2, 4] = targets[1, 0] = ignore_index
    targets[0, 0] = 5 if ignore_index != 5 else 4  # at least one kept target
    kwargs = "" if ignore_index == -100 else f", ignore_index={ignore_index}"
    check_perplexity(impl, logits, targets,
                     _("perplexity of (3, 5, 6) logits with 3 targets = {ignore_index}{kwargs}").format(
                         ignore_index=ignore_index, kwargs=kwargs),
                     ignore_index=None if ignore_index == -100 else ignore_index)


# Logits of magnitude 1e4, every target within 4 of its row's maximum (the true perplexity is small): several
# entries of 1e4 in a row (exp overflows), a row whose logits are all near -1e4 (exp underflows to 0 for each), and
# rows of very different scales side by side (one shift for the whole tensor is wrong for some rows).
LARGE_LOGITS = torch.tensor([[1e4, -1e4, 1e4 - 2.0, 0.0, 5.0], [-1e4, -1e4 + 1.0, -1e4 + 3.0, -9999.5, -1e4],
                             [3e3, -5e3, 1e4, 1e4 - 1.0, 2.0], [-1e4, 1e4, 0.0, 1e4 - 4.0, -2.0]], dtype=F64)
LARGE_TARGETS = torch.tensor([2, 3, 3, 1])


def unlikely_targets(rows, gaps):
    """(rows, 5) logits and targets: row i < len(gaps) has its target gaps[i] below the row's maximum (at the row's
    minimum), every other row a confident target (NLL about 2e-4)."""
    logits = torch.zeros(rows, 5, dtype=F64)
    logits[:, 0] = 10.0
    for i, gap in enumerate(gaps):
        logits[i] = torch.tensor([gap / 2 - gap, gap / 2, gap / 2 - 1.0, 0.0, 5.0], dtype=F64)
    return logits, torch.zeros(rows, dtype=torch.long)


@pytest.mark.item("perplexity")
def test_perplexity_large_logits_finite(impl):
    """perplexity stays finite and right for logits up to 1e4 in magnitude"""
    for dtype in (F64, torch.float32):
        check_stable(impl, LARGE_LOGITS.to(dtype), LARGE_TARGETS,
                     _("perplexity of (4, 5) logits of magnitude 1e4 ({dtype}; every target within 4 of its "
                       "row's maximum, so the true perplexity is small; row 1 is all near -1e4)").format(
                         dtype=str(dtype)[6:]),
                     rtol=1e-6 if dtype == F64 else 2e-3, mistakes=[OVERFLOW, OVERFLOW + " ", GLOBAL_MAX],
                     not_finite_hint=OVERFLOW, wrong_hint=CLAMPED)


@pytest.mark.item("perplexity")
def test_perplexity_many_targets(impl):
    """perplexity stays finite and right over 1200 targets, in float32 and float64"""
    logits = random_tensor(13, 8, 150, 50)
    targets = torch.randint(0, 50, (8, 150), generator=_gen(14))
    for dtype in (F64, torch.float32):
        check_stable(impl, logits.to(dtype), targets,
                     _("perplexity of (8, 150, 50) logits, 1200 targets ({dtype})").format(dtype=str(dtype)[6:]),
                     rtol=1e-6 if dtype == F64 else 1e-4, mistakes=[PRODUCT, PRODUCT + " "], not_finite_hint=PRODUCT)


@pytest.mark.item("perplexity")
def test_perplexity_unlikely_targets(impl):
    """perplexity stays finite and exact when a target's logit is 2e4 below its row's maximum"""
    logits, targets = unlikely_targets(1, [700.0])
    check_stable(impl, logits, targets,
                 _("perplexity of one target 700 below its row's maximum (float64; its probability, about 1e-304, is "
                   "tiny but representable, and the true perplexity, about 1e304, is finite in float64)"),
                 rtol=1e-6, mistakes=[], not_finite_hint=HUGE, wrong_hint=EPSILON)
    logits, targets = unlikely_targets(30, [2e4])
    check_stable(impl, logits, targets,
                 _("perplexity over 30 targets, one of them at its row's minimum logit, 2e4 below the maximum "
                   "(float64; its probability underflows to 0, but the true perplexity, about 1e289, is finite)"),
                 rtol=1e-6, mistakes=[UNDERFLOW, PRODUCT, PRODUCT + " "], not_finite_hint=UNDERFLOW,
                 wrong_hint=EPSILON)
    logits, targets = unlikely_targets(400, [2e4, 200.0])
    check_stable(impl, logits.float(), targets,
                 _("perplexity over 400 targets, two of them 2e4 and 200 below their row's maximum (float32; their "
                   "probabilities underflow to 0, but the true perplexity, about 9e21, is finite in float32)"),
                 rtol=2e-3, mistakes=[UNDERFLOW, PRODUCT, PRODUCT + " "], not_finite_hint=UNDERFLOW,
                 wrong_hint=EPSILON)


@pytest.mark.item("perplexity", weight=2)
def test_perplexity_gradient(impl):
    """perplexity is differentiable: its gradient with respect to the logits matches"""
    logits = random_tensor(11, 2, 3, 4)
    targets = torch.tensor([[0, 1, 3], [2, 2, 1]])
    result = impl.call_with_grad(impl.perplexity, logits, targets, grad_output=torch.tensor(1.0, dtype=F64))
    leaf = logits.clone().requires_grad_()
    ref.perplexity(leaf, targets).backward()
    grad = result.input_grads[0]
    if grad is None:
        fail(_("No gradient reached the logits through perplexity."), _("a gradient"), "None",
             _("build the result from torch operations (no .item(), math.exp, numpy or torch.no_grad)"))
    assert_close(grad, leaf.grad, _("the gradient of perplexity with respect to the logits"))


# -- temperature_softmax -----------------------------------------------------------------------

@pytest.mark.item("temperature_softmax")
def test_temperature_softmax_at_one_is_softmax(impl):
    """temperature_softmax at T = 1 equals softmax over the last dimension"""
    logits = random_tensor(21, 3, 4, 5)
    mistakes = {_(WRONG_DIM): torch.softmax(logits, dim=1), _(WRONG_DIM) + " ": torch.softmax(logits, dim=0)}
    assert_close(impl.temperature_softmax(logits, 1.0), torch.softmax(logits, -1),
                 _("temperature_softmax(logits of shape (3, 4, 5), 1.0)"), mistakes=mistakes)


@pytest.mark.item("temperature_softmax", weight=3)
@given(T=st.sampled_from([0.1, 0.5, 2.0, 7.0, 3]), seed=seeds(), shape=st.sampled_from([(5,), (2, 6), (2, 3, 4)]))
def test_temperature_softmax_matches(impl, T, seed, shape):
    """temperature_softmax(logits, T) equals softmax(logits / T) for several T and shapes"""
    logits = random_tensor(seed, *shape, scale=2.0)
    mistakes = {_(TEMP_MULTIPLY): torch.softmax(logits * T, -1)}
    if len(shape) > 1:
        mistakes[_(WRONG_DIM)] = torch.softmax(logits / T, 0)
    assert_close(impl.temperature_softmax(logits, T), ref.temperature_softmax(logits, T),
                 _("temperature_softmax(logits of shape {shape}, {T})").format(shape=shape, T=T), mistakes=mistakes)


@pytest.mark.item("temperature_softmax")
def test_temperature_softmax_rejects_nonpositive(impl):
    """temperature_softmax raises ValueError for T = 0 and T < 0"""
    logits = random_tensor(22, 2, 3)
    for T in (0.0, -1.0, 0):
        expect_value_error(lambda: impl.temperature_softmax(logits, T), f"temperature_softmax(logits, {T!r})",
                           _("dividing by T <= 0 is undefined (T = 0 divides by zero, T < 0 flips the ranking): "
                             "check `if T <= 0: raise ValueError(...)` first") if T == 0 else
                           _("a negative T flips the ranking of the logits: check `if T <= 0: raise ValueError(...)` "
                             "first"))


@pytest.mark.item("temperature_softmax")
def test_temperature_softmax_keeps_dtype(impl):
    """temperature_softmax returns probabilities of the logits' dtype, float32 or float64"""
    for dtype in (torch.float32, F64):
        logits = random_tensor(23, 2, 5).to(dtype)
        what = _("temperature_softmax(logits of shape (2, 5) and dtype {dtype}, 0.5)").format(dtype=str(dtype)[6:])
        got = impl.temperature_softmax(logits, 0.5)
        assert_tensor(got, what, (2, 5))
        if got.dtype != dtype:
            fail(_("{what} has the wrong dtype.").format(what=what), str(dtype)[6:], str(got.dtype)[6:],
                 _("return the logits' dtype: softmax(logits / temperature) as it comes, no .double() or .float()"))
        assert_close(got, ref.temperature_softmax(logits.to(F64), 0.5), what, atol=1e-6, rtol=1e-5)


# -- sample_next -------------------------------------------------------------------------------

GREEDY = N_("temperature 0 is greedy decoding: no sampling, the most likely id of each row")
# (seed, B, V, scale) of the greedy checks' logits. The second is flat (each row's most likely id has probability
# at most 0.33 at T = 1), so a sampler that treats temperature 0 as "sample at T = 1" matches the argmax in all 64
# rows with probability below 1e-45, whatever the random state (tests/test_checks_w07_language_model.py).
GREEDY_CASES = [(31, 6, 9, 3.0), (35, 64, 10, 0.5)]
GLOBAL_STATE = N_("draw only from the generator you are given: pass generator=generator to torch.multinomial / "
                  "torch.rand. Do not reseed the global random state (torch.manual_seed) and do not call functions "
                  "that take no generator (torch.rand_like, torch.distributions, ...) when a generator is given")


@pytest.mark.item("sample_next")
def test_sample_next_shape_and_range(impl):
    """sample_next returns a LongTensor (B,) of ids in [0, V), for B = 7 and B = 1, float32 and float64 logits"""
    for seed, B, dtype in ((33, 7, F64), (37, 7, torch.float32), (38, 1, F64)):
        what = _("sample_next(logits of shape ({B}, 5) and dtype {dtype}, 1.0, generator)").format(
            B=B, dtype=str(dtype)[6:])
        got = impl.sample_next(random_tensor(seed, B, 5).to(dtype), 1.0, _gen(1))
        if not isinstance(got, torch.Tensor) or tuple(got.shape) != (B,):
            hint = None
            if isinstance(got, torch.Tensor) and tuple(got.shape) == (B, 1):
                hint = _("torch.multinomial returns (B, num_samples): take .squeeze(1) (or [:, 0])")
            elif isinstance(got, torch.Tensor) and got.dim() == 0:
                hint = _("a plain .squeeze() also drops the batch dimension when B = 1: squeeze only the sample "
                         "dimension, .squeeze(1)")
            fail(_("{what} should return one id per row.").format(what=what),
                 _("a LongTensor of shape ({B},)").format(B=B),
                 describe(got) if not isinstance(got, torch.Tensor) else
                 _("shape {shape}").format(shape=tuple(got.shape)), hint)
        if got.dtype != torch.long or got.min() < 0 or got.max() >= 5:
            fail(_("{what} should return int64 ids in [0, V) = [0, 5).").format(what=what), _("int64 ids in [0, 5)"),
                 f"{got.tolist()} ({str(got.dtype)[6:]})")


@pytest.mark.item("sample_next")
def test_sample_next_greedy(impl):
    """sample_next at temperature 0 is the argmax of every row, for float32 and float64 logits"""
    for seed, B, V, scale in GREEDY_CASES:
        for dtype in (F64, torch.float32):
            logits = random_tensor(seed, B, V, scale=scale).to(dtype)
            what = _("sample_next(logits of shape ({B}, {V}) and dtype {dtype}, temperature=0)").format(
                B=B, V=V, dtype=str(dtype)[6:])
            got = impl.sample_next(logits, 0.0)
            expected = logits.argmax(-1)
            if not isinstance(got, torch.Tensor) or tuple(got.shape) != (B,) or got.dtype != torch.long:
                hint = (_("take the argmax over the last dimension, logits.argmax(dim=-1): without dim, argmax "
                          "flattens every row into one") if isinstance(got, torch.Tensor) and got.dim() == 0
                        else _(GREEDY))
                fail(_("{what} should return logits.argmax(dim=-1), one int64 id per row.").format(what=what),
                     _("a LongTensor of shape ({B},)").format(B=B),
                     describe(got) if not isinstance(got, torch.Tensor) else
                     _("shape {shape}, dtype {dtype}").format(shape=tuple(got.shape), dtype=str(got.dtype)[6:]), hint)
            if not torch.equal(got, expected):
                row = int((got != expected).nonzero()[0, 0])
                fail(_("{what} should return logits.argmax(dim=-1) (index = row).").format(what=what),
                     _("id {id} in row {row}").format(id=int(expected[row]), row=row),
                     _("id {id} in row {row}").format(id=int(got[row]), row=row), _(GREEDY))


@pytest.mark.item("sample_next")
def test_sample_next_rejects_negative(impl):
    """sample_next raises ValueError for a negative temperature"""
    expect_value_error(lambda: impl.sample_next(random_tensor(32, 2, 4), -0.5), "sample_next(logits, -0.5)",
                       _("a negative temperature is invalid (T = 0 means greedy): check `if temperature < 0: "
                         "raise ValueError(...)` first"))


@pytest.mark.item("sample_next")
def test_sample_next_frequencies(impl):
    """sample_next: the empirical frequencies fit temperature_softmax at T = 1, 0.5, 2 (chi-square test, alpha = 0.001)"""
    for T in (1.0, 0.5, 2.0):
        _check_frequencies(impl, T)


def _check_frequencies(impl, T):
    base = torch.tensor([1.0, 0.0, -0.5, 2.0, 0.3], dtype=F64)
    probs = torch.softmax(base / T, -1)
    logits = base.expand(CHI2_DRAWS, 5).clone()
    got = impl.sample_next(logits, T, _gen(2024))
    assert_tensor(got, _("sample_next(logits of shape ({draws}, 5), {T}, generator)").format(draws=CHI2_DRAWS, T=T),
                  (CHI2_DRAWS,))
    counts = torch.bincount(got.long().clamp(0, 4), minlength=5).to(F64)
    expected = probs * CHI2_DRAWS
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    if chi2 > CHI2_CRITICAL_DF4:
        hint = None
        for wrong_hint, wrong_probs in [(_(TEMP_MULTIPLY), torch.softmax(base * T, -1)),
                                        (_("sample from temperature_softmax(logits, temperature), not softmax(logits)"),
                                         torch.softmax(base, -1))]:
            e = wrong_probs * CHI2_DRAWS
            if float(((counts - e) ** 2 / e).sum()) <= CHI2_CRITICAL_DF4:
                hint = wrong_hint
                break
        fail(_("sample_next at T = {T}: {draws} draws from logits {logits} do not follow softmax(logits / T) "
               "(chi-square {chi2:.1f} > {critical}: alpha = {alpha}, 4 degrees of freedom).").format(
                 T=T, draws=CHI2_DRAWS, logits=base.tolist(), chi2=chi2, critical=CHI2_CRITICAL_DF4, alpha=CHI2_ALPHA),
             _("frequencies near {frequencies}").format(frequencies=[round(p, 3) for p in probs.tolist()]),
             _("frequencies {frequencies}").format(frequencies=[round(c / CHI2_DRAWS, 3) for c in counts.tolist()]),
             hint or _("draw id v with probability temperature_softmax(logits, T)[v], e.g. torch.multinomial"))


@pytest.mark.item("sample_next")
def test_sample_next_leaves_global_state_alone(impl):
    """sample_next with a generator neither draws from nor reseeds the global random state"""
    logits = random_tensor(34, 50, 6)
    for T in (1.0, 0.5):
        before = impl.global_random_state()  # where the student's code runs: this process or the sandboxed worker
        impl.sample_next(logits, T, _gen(123))
        if impl.global_random_state() != before:
            fail(_("sample_next(logits of shape (50, 6), {T}, generator) changed the global random state although "
                   "a generator was given.").format(T=T), _("only the generator is used"),
                 _("the global random state (torch, random or numpy) was drawn from or reseeded"), _(GLOBAL_STATE))


@pytest.mark.item("sample_next")
def test_sample_next_reproducible_with_generator(impl):
    """sample_next: the same generator seed gives the same draws, other seeds other draws"""
    logits = random_tensor(34, 50, 6)
    first = impl.sample_next(logits, 1.0, _gen(123))
    second = impl.sample_next(logits, 1.0, _gen(123))
    if not (isinstance(second, torch.Tensor) and torch.equal(first, second)):
        fail(_("sample_next with two generators seeded alike (123) should draw the same ids."),
             _("{ids} twice").format(ids=first.tolist()),
             f"{describe(second) if not isinstance(second, torch.Tensor) else second.tolist()}",
             _("use the generator argument for every random draw (torch.multinomial(..., generator=generator)), "
               "not the global random state"))
    others = [impl.sample_next(logits, 1.0, _gen(seed)) for seed in (124, 125)]
    if all(isinstance(o, torch.Tensor) and torch.equal(o, first) for o in others):
        fail(_("sample_next drew the same 50 ids (T = 1, 6 ids per row) from generators seeded 123, 124 and 125."),
             _("different draws for different seeds"), _("{ids} each time").format(ids=first.tolist()),
             _("draw from the generator you are given (torch.multinomial(probs, 1, generator=generator)), not from "
               "a generator of your own with a fixed seed"))


@pytest.mark.item("sample_next")
def test_sample_next_without_generator_uses_global_state(impl):
    """sample_next without a generator draws from the global random state"""
    logits = random_tensor(36, 50, 6)
    before = impl.global_random_state()
    first = impl.sample_next(logits, 1.0)
    drew = impl.global_random_state() != before
    second = impl.sample_next(logits, 1.0)
    hint = _("with generator=None, draw from the global random state (torch.multinomial(probs, 1, generator=None)): "
             "do not make a generator of your own with a fixed seed")
    if isinstance(second, torch.Tensor) and isinstance(first, torch.Tensor) and torch.equal(first, second):
        fail(_("sample_next(logits of shape (50, 6), 1.0) called twice without a generator drew the same 50 ids."),
             _("two different draws from the global random state"), _("{ids} twice").format(ids=first.tolist()), hint)
    if not drew:
        fail(_("sample_next(logits of shape (50, 6), 1.0) without a generator did not draw from the global random "
               "state."), _("the global random state advances"), _("unchanged"), hint)


# -- CharLM ------------------------------------------------------------------------------------

def _tokens(seed, B, T, V):
    return torch.randint(0, V, (B, T), generator=_gen(seed))


def _logits(out, what, shape):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        fail(_("{what} should return a pair (logits, state).").format(what=what), _("a tuple of 2 items"),
             describe(out),
             _("return the logits together with the recurrent layer's final state: (self.head(outputs), state)"))
    assert_tensor(out[0], _("the logits of {what}").format(what=what), shape)
    return out[0]


def _close_or_hint(actual, expected, what, hint):
    try:
        assert_close(actual, expected, what, atol=1e-6, rtol=1e-5)
    except CheckFailure as exc:
        raise CheckFailure(f"{exc}\n  " + _(HINT).format(hint=hint)) from None


@pytest.mark.item("CharLM")
def test_charlm_shapes(impl):
    """CharLM forward returns logits (B, T, V) and a state, for 1 and 2 layers"""
    for layers in (1, 2):
        seed_torch(0)
        model = impl.CharLM(11, 6, 8, layers) if layers != 1 else impl.CharLM(11, 6, 8)
        what = _("{model}(tokens of shape (3, 5))").format(model="CharLM(11, 6, 8, 2)" if layers == 2 else
                                                           "CharLM(11, 6, 8)")
        _logits(model(_tokens(1, 3, 5, 11)), what, (3, 5, 11))


@pytest.mark.item("CharLM")
def test_charlm_causal_and_batch_independent(impl):
    """CharLM: changing a later token or another row never changes earlier logits of a row"""
    seed_torch(2)
    model = impl.CharLM(10, 4, 6)
    model.eval()
    tokens = _tokens(3, 3, 7, 10)
    base = _logits(model(tokens), _("CharLM(10, 4, 6)(tokens of shape (3, 7))"), (3, 7, 10))
    changed = tokens.clone()
    changed[0, 4] = (changed[0, 4] + 1) % 10
    changed[2] = (changed[2] + 3) % 10
    out = _logits(model(changed), _("CharLM(10, 4, 6)(changed tokens)"), (3, 7, 10))
    _close_or_hint(out[0, :4], base[0, :4], _("the logits at steps 0..3 of row 0 after changing its token 4 "
                                              "(a language model must not look ahead)"),
                   _("the logits at step t may depend on tokens 0..t only: a unidirectional recurrent layer, not a "
                     "bidirectional one"))
    _close_or_hint(out[1], base[1], _("the logits of row 1 after changing rows 0 and 2 (rows are independent)"),
                   _("tokens are (batch, time): build the recurrent layer with batch_first=True"))


@pytest.mark.item("CharLM")
def test_charlm_state_carries_over(impl):
    """CharLM: running a sequence in two chunks, passing the state on, gives the same logits as in one go"""
    seed_torch(1)
    model = impl.CharLM(9, 5, 7, 2)
    model.eval()
    tokens = _tokens(2, 2, 8, 9)
    full = _logits(model(tokens), _("CharLM(9, 5, 7, 2)(tokens of shape (2, 8))"), (2, 8, 9))
    first = model(tokens[:, :3])
    _logits(first, "CharLM(...)(tokens[:, :3])", (2, 3, 9))
    second = model(tokens[:, 3:], first[1])
    part = _logits(second, "CharLM(...)(tokens[:, 3:], state)", (2, 5, 9))
    assert_close(torch.cat([first[0], part], 1), full,
                 _("the logits of two chunks (3 + 5 steps, the second started from the first's state)"),
                 atol=1e-5, rtol=1e-4,
                 mistakes={_("forward ignores the state it is given: pass state to the recurrent layer"):
                           torch.cat([first[0], _quiet_logits(model, tokens[:, 3:])], 1)})


def _quiet_logits(model, tokens):
    try:
        return model(tokens)[0]
    except Exception:
        return None


@pytest.mark.item("CharLM")
def test_charlm_trains(impl):
    """CharLM: gradients reach the parameters and the logits depend on the input tokens"""
    seed_torch(3)
    model = impl.CharLM(8, 4, 5)
    tokens = _tokens(4, 2, 6, 8)
    grad = torch.ones(2, 6, 8)
    result = impl.call_with_grad(model, tokens, grad_output=(grad, None))
    if not result.param_grads:
        fail(_("No gradient reached the parameters of CharLM."), _("gradients for the parameters"), _("none"),
             _("register the layers as attributes (self.embedding = nn.Embedding(...)) in __init__, not in a plain "
               "list or dict (nn.ModuleList / nn.Sequential register them)"))
    other = _logits(model(torch.zeros_like(tokens)), "CharLM(8, 4, 5)(zeros)", (2, 6, 8))
    if torch.allclose(other.to(F64), result.output[0].to(F64)):
        fail(_("CharLM's logits do not depend on the input tokens."), _("different logits for different tokens"),
             _("the same logits"))


def _parameter_count(model, what):
    state = model.state_dict()
    if not isinstance(state, dict):
        fail(_("{what}.state_dict() should be a dict of tensors.").format(what=what), _("a dict"), describe(state))
    return sum(v.numel() for v in state.values() if isinstance(v, torch.Tensor))


@pytest.mark.item("CharLM")
def test_charlm_num_layers(impl):
    """CharLM(vocab_size, embed_dim, hidden_size, num_layers=2) stacks a second recurrent layer (more parameters)"""
    one = _parameter_count(impl.CharLM(11, 6, 8, 1), "CharLM(11, 6, 8, 1)")
    two = _parameter_count(impl.CharLM(11, 6, 8, 2), "CharLM(11, 6, 8, 2)")
    if not two > one:
        fail(_("CharLM(11, 6, 8, num_layers=2) should have more parameters than CharLM(11, 6, 8, num_layers=1)."),
             _("more than {count} parameters").format(count=one), f"{two}",
             _("pass num_layers on to the recurrent layer: nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, "
               "batch_first=True)"))


# -- generate ----------------------------------------------------------------------------------

VOCAB = CharVocab()


class _BigramLM(nn.Module):
    """A grader-made language model for the generate checks: next-character logits from a table.

    TorchScript, so it can be handed to student code without any of the grader's Python code. In training mode
    its preferences are reversed (as dropout would change them, only more so): generate must run it in eval mode.
    """

    def __init__(self, vocab_size: int, seed: int):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.table = nn.Parameter(torch.randn(vocab_size, vocab_size, generator=gen) * 3.0)

    def forward(self, tokens: torch.Tensor, state: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        if self.training:
            return -self.table[tokens], state
        return self.table[tokens], state


def _tiny_model(seed):
    # torch 2.13 deprecates TorchScript (a DeprecationWarning on every call); scripting still works, and a scripted
    # module reaches the sandbox without any of the grader's Python code
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.script(_BigramLM(len(VOCAB), seed)).eval()


def _generate(impl, model, prefix, length, T, gen=None):
    args = (impl.trusted(model), impl.trusted(VOCAB), prefix, length, T)
    out = impl.generate(*args) if gen is None else impl.generate(*args, gen)
    what = f"generate(model, vocab, {prefix!r}, {length}, temperature={T})"
    if not isinstance(out, str):
        fail(_("{what} should return a str.").format(what=what), _("a str"), describe(out))
    if not out.startswith(prefix) or len(out) != len(prefix) + length:
        fail(_("{what} should return the prefix followed by {length} characters.").format(what=what, length=length),
             _("a str of length {length} starting with {prefix!r}").format(length=len(prefix) + length, prefix=prefix),
             _("{text!r} (length {length})").format(text=out, length=len(out)),
             _("return prefix + the sampled characters (one per step, exactly `length` of them)"))
    return out


@pytest.mark.item("generate", weight=3)
def test_generate_greedy_matches(impl):
    """generate at temperature 0 continues the prefix exactly as greedy decoding does"""
    for seed, prefix, length in [(41, "ROMEO:\n", 30), (42, "To be", 12), (43, "a", 1)]:
        model = _tiny_model(seed)
        expected = ref.generate(model, VOCAB, prefix, length, 0.0)
        got = _generate(impl, model, prefix, length, 0.0)
        if got != expected:
            k = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
            fail(_("generate(model, vocab, {prefix!r}, {length}, temperature=0) differs from greedy decoding at "
                   "character {k} (generated character {generated}).").format(
                     prefix=prefix, length=length, k=k, generated=k - len(prefix)), repr(expected), repr(got),
                 _("feed the whole prefix first, then at each step take the logits of the LAST position, pick the "
                   "next id and feed it (with the state) to get the next logits; at temperature 0 each step takes "
                   "the argmax (sample_next(logits, 0.0))"))


@pytest.mark.item("generate")
def test_generate_length_zero(impl):
    """generate with length 0 returns the prefix"""
    _generate(impl, _tiny_model(44), "KING:", 0, 1.0, _gen(0))


@pytest.mark.item("generate")
def test_generate_reproducible(impl):
    """generate: the same generator seed gives the same text, other seeds other texts"""
    model = _tiny_model(45)
    first = _generate(impl, model, "HAMLET:\n", 40, 1.0, _gen(7))
    again = _generate(impl, model, "HAMLET:\n", 40, 1.0, _gen(7))
    if first != again:
        fail(_("generate with two generators seeded alike (7) should give the same text."), repr(first), repr(again),
             _("pass the generator to sample_next at every step"))
    texts = {_generate(impl, model, "HAMLET:\n", 40, 1.0, _gen(s)) for s in (8, 9, 10)}
    if len(texts | {first}) == 1:
        fail(_("generate at temperature 1 gave the same text for four different seeds."), _("different samples"),
             repr(first), _("sample with sample_next(logits, temperature, generator), not argmax"))


@pytest.mark.item("generate")
def test_generate_runs_in_eval_mode(impl):
    """generate runs the model in eval mode, also when it is handed a model in training mode"""
    expected = ref.generate(_tiny_model(46), VOCAB, "JULIET:\n", 20, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = _tiny_model(46).train()
    got = _generate(impl, model, "JULIET:\n", 20, 0.0)
    if got != expected:
        fail(_("generate(model in training mode, vocab, 'JULIET:\\n', 20, temperature=0) should continue the prefix "
               "as the model does in eval mode (this model, like one with dropout, predicts differently in training "
               "mode)."),
             repr(expected), repr(got), _("call model.eval() before generating (and model.train(was_training) after)"))


# -- the trained checkpoint --------------------------------------------------------------------

def _trained_language_model(impl):
    checkpoint = load_checkpoint(impl, CHECKPOINT, ("config", "state_dict"), save_hint())
    if checkpoint["config"].get("vocab_size") != len(VOCAB):
        fail(_("{name}: config['vocab_size'] should be the size of the course's character vocabulary.").format(
            name=CHECKPOINT), len(VOCAB), checkpoint["config"].get("vocab_size"), save_hint())
    return model_from_checkpoint(impl, "CharLM", checkpoint, CHECKPOINT)


@pytest.mark.item("checkpoint")
def test_checkpoint_loads_into_your_charlm(impl):
    """language_model.pt loads (weights only) into your CharLM built from its saved config"""
    _trained_language_model(impl)


@pytest.mark.item("checkpoint")
def test_checkpoint_reaches_the_validation_perplexity(impl):
    """the trained language model reaches the notebook's perplexity threshold on the validation text"""
    model = _trained_language_model(impl)
    ids = torch.tensor(VOCAB.encode(load_shakespeare().valid[:VALID_CHARS]))
    per_stream = (ids.numel() - 1) // VALID_STREAMS
    inputs = ids[: VALID_STREAMS * per_stream].view(VALID_STREAMS, per_stream)
    targets = ids[1: VALID_STREAMS * per_stream + 1].view(VALID_STREAMS, per_stream)
    total_nll, state = 0.0, None
    for start in range(0, per_stream, SEQ_LEN):
        chunk = inputs[:, start:start + SEQ_LEN]
        out = model(chunk, state)
        if not (isinstance(out, tuple) and len(out) == 2):
            fail(_("the trained CharLM should return (logits, state)."), _("a tuple of 2"), describe(out))
        logits, state = out
        assert_tensor(logits, _("the trained CharLM's logits"), (*chunk.shape, len(VOCAB)))
        nll = torch.log(ref.perplexity(logits.to(F64), targets[:, start:start + SEQ_LEN])).item()
        total_nll += nll * chunk.numel()
    value = math.exp(total_nll / inputs.numel())
    if not value <= VALID_PERPLEXITY_THRESHOLD:
        fail(_("the trained language model's perplexity on {chars:,} validation characters is too high.").format(
            chars=VALID_CHARS), f"<= {VALID_PERPLEXITY_THRESHOLD}", f"{value:.3f}",
             _("train with the notebook's settings (all steps) and save the model after training"))


# -- the promises each item makes, the check that holds it to each, and a sample that breaks it alone -------------

CLAUSES = [
    Clause("perplexity", "exp of the mean negative log-likelihood (not the NLL itself)",
           "test_perplexity_small_examples", "perplexity_no_exp"),
    Clause("perplexity", "the mean over the targets, not the sum", "test_perplexity_small_examples",
           "perplexity_exp_of_sum"),
    Clause("perplexity", "natural log (the NLL and the exponential in one base)", "test_perplexity_small_examples",
           "perplexity_log_bits_exp"),
    Clause("perplexity", "returns a 0-dim tensor", "test_perplexity_small_examples", "perplexity_returns_float"),
    Clause("perplexity", "does not use the forbidden built-ins F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, "
           "nn.NLLLoss", "test_perplexity_small_examples", "perplexity_uses_cross_entropy"),
    Clause("perplexity", "logits (..., V) with any number of leading dimensions, (V,) included",
           "test_perplexity_1d_and_2d", "perplexity_flatten_leading"),
    Clause("perplexity", "float32 and float64: the result has the logits' dtype", "test_perplexity_keeps_dtype",
           "perplexity_always_float64"),
    Clause("perplexity", "targets equal to ignore_index are left out of the mean", "test_perplexity_ignore_index",
           "perplexity_ignore_counted"),
    Clause("perplexity", "ignore_index is the argument, not always -100", "test_perplexity_ignore_index",
           "perplexity_ignore_hardcoded"),
    Clause("perplexity", "finite for logits up to 1e4 in magnitude (no exp overflow)",
           "test_perplexity_large_logits_finite", "perplexity_naive_softmax"),
    Clause("perplexity", "finite for rows of very different scales (each row shifted by its own maximum)",
           "test_perplexity_large_logits_finite", "perplexity_global_max"),
    Clause("perplexity", "finite over many targets (no product of probabilities)", "test_perplexity_many_targets",
           "perplexity_product_of_probs"),
    Clause("perplexity", "finite when a target's probability underflows (huge but finite in float64)",
           "test_perplexity_unlikely_targets", "perplexity_log_of_softmax"),
    Clause("perplexity", "exact for very unlikely targets (no epsilon or clamp)", "test_perplexity_unlikely_targets",
           "perplexity_epsilon_clamp"),
    Clause("perplexity", "differentiable", "test_perplexity_gradient", "perplexity_detached"),
    Clause("temperature_softmax", "softmax over the last dimension, for any number of leading dimensions",
           "test_temperature_softmax_at_one_is_softmax", "temperature_softmax_dim1"),
    Clause("temperature_softmax", "softmax(logits / T): divides by the temperature", "test_temperature_softmax_matches",
           "temperature_multiplies_own_sampler"),
    Clause("temperature_softmax", "ValueError for T <= 0", "test_temperature_softmax_rejects_nonpositive",
           "temperature_no_valueerror"),
    Clause("temperature_softmax", "ValueError for T = 0 too, not only T < 0",
           "test_temperature_softmax_rejects_nonpositive", "temperature_allows_zero"),
    Clause("temperature_softmax", "float32 and float64: probabilities of the logits' dtype",
           "test_temperature_softmax_keeps_dtype", "temperature_softmax_float64"),
    Clause("sample_next", "returns a LongTensor (B,)", "test_sample_next_shape_and_range", "sample_no_squeeze"),
    Clause("sample_next", "any batch size >= 1: (1,) for B = 1", "test_sample_next_shape_and_range",
           "sample_squeeze_all"),
    Clause("sample_next", "temperature 0 is greedy: the argmax of every row", "test_sample_next_greedy",
           "sample_greedy_flat_argmax"),
    Clause("sample_next", "ValueError for temperature < 0", "test_sample_next_rejects_negative",
           "sample_no_negative_check"),
    Clause("sample_next", "draws from temperature_softmax(logits, T)", "test_sample_next_frequencies",
           "sample_ignores_temperature"),
    Clause("sample_next", "with a generator, never draws from the global random state",
           "test_sample_next_leaves_global_state_alone", "sample_global_noise"),
    Clause("sample_next", "with a generator, never reseeds the global random state (torch.manual_seed)",
           "test_sample_next_leaves_global_state_alone", "sample_seeds_global_from_generator"),
    Clause("sample_next", "draws from the generator given: same seed same draws, other seeds other draws",
           "test_sample_next_reproducible_with_generator", "sample_own_fixed_generator"),
    Clause("sample_next", "generator None: draws from the global random state",
           "test_sample_next_without_generator_uses_global_state", "sample_none_fixed_generator"),
    Clause("CharLM", "forward(tokens, state=None) returns (logits (B, T, V), state)", "test_charlm_shapes",
           "charlm_returns_logits_only"),
    Clause("CharLM", "causal: the logits at step t depend on tokens up to t only",
           "test_charlm_causal_and_batch_independent", "charlm_bidirectional"),
    Clause("CharLM", "tokens are (batch, time): rows are independent", "test_charlm_causal_and_batch_independent",
           "charlm_time_major"),
    Clause("CharLM", "forward continues from the state it is given", "test_charlm_state_carries_over",
           "charlm_ignores_state"),
    Clause("CharLM", "trainable: gradients reach registered parameters", "test_charlm_trains", "charlm_layers_in_list"),
    Clause("CharLM", "num_layers stacked recurrent layers", "test_charlm_num_layers", "charlm_ignores_num_layers"),
    Clause("generate", "returns prefix followed by length characters", "test_generate_greedy_matches",
           "generate_off_by_one"),
    Clause("generate", "continues from the prefix's last position, feeding each sampled id with the state",
           "test_generate_greedy_matches", "generate_first_position"),
    Clause("generate", "length 0 returns the prefix", "test_generate_length_zero", "generate_length_zero_samples_one"),
    Clause("generate", "same generator seed, same text", "test_generate_reproducible", "generate_drops_generator"),
    Clause("generate", "runs the model in eval mode", "test_generate_runs_in_eval_mode", "generate_no_eval"),
    Clause("checkpoint", "language_model.pt loads (weights only) into CharLM built from its saved config",
           "test_checkpoint_loads_into_your_charlm", None),
    Clause("checkpoint", "validation perplexity below the notebook's threshold",
           "test_checkpoint_reaches_the_validation_perplexity", None),
]
