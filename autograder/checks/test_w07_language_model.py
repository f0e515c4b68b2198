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
from autograder.checks.helpers import (F64, assert_close, assert_tensor, describe, fail, load_checkpoint,
                                       model_from_checkpoint, random_tensor, seeds)
from autograder.implementation import StudentCodeError
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

# The trained language model: the notebook saves it and states this threshold. It is measured on the first
# VALID_CHARS characters of the validation text, read as VALID_STREAMS contiguous streams, SEQ_LEN at a time,
# carrying the state (as train_language_model evaluates). A uniform model scores 64, the unigram model 27.7,
# the reference 5.02.
CHECKPOINT = "language_model.pt"
VALID_PERPLEXITY_THRESHOLD = 6.0
VALID_CHARS, VALID_STREAMS, SEQ_LEN = 20000, 16, 64
SAVE_HINT = ("run the training cell, then the cell that saves the checkpoint: torch.save({'config': {...}, "
             "'state_dict': lm.state_dict()}, 'language_model.pt'), and hand language_model.pt in with the notebook")

# Goodness of fit of sample_next: Pearson's chi-square statistic over V = 5 classes (4 degrees of freedom),
# rejected at significance level alpha = 0.001, whose critical value is 18.467 (chi-square quantile 0.999, df 4).
CHI2_ALPHA = 0.001
CHI2_CRITICAL_DF4 = 18.467
CHI2_DRAWS = 4000

# -- hints -------------------------------------------------------------------------------------

NO_EXP = "perplexity is exp(mean NLL): you returned the mean negative log-likelihood itself (apply torch.exp)"
EXP_OF_SUM = ("perplexity is exp of the MEAN negative log-likelihood: you took exp of the sum (divide by the number "
              "of targets first)")
LOG2 = "use the natural log (torch.log / logsumexp), not log2 or log10, and exp (not 2**) at the end"
MEAN_OF_EXP = ("average the negative log-likelihoods first, then take exp once: exp(mean NLL), not the mean of "
               "per-token exp(NLL) (nor of per-row perplexities)")
IGNORE_COUNTED = ("targets equal to ignore_index are left out of the mean entirely: divide by the number of kept "
                  "targets, not by all positions")
OVERFLOW = ("compute log-softmax stably: log p = logit - logsumexp(logits) (subtract the maximum), not "
            "log(exp(logit) / exp(logits).sum()), which overflows for large logits")
TEMP_MULTIPLY = "divide the logits by the temperature (softmax(logits / T)), do not multiply"
WRONG_DIM = "the softmax runs over the last dimension (the vocabulary), dim=-1"


def raises_value_error(fn):
    """(raised ValueError?, what happened) for a student call, in this process or in the worker."""
    try:
        result = fn()
    except StudentCodeError as exc:
        if exc.kind == "WorkerFailure":
            raise
        return exc.kind == "ValueError", f"{exc.kind}: {exc.message}"[:200]
    except ValueError as exc:
        return True, f"ValueError: {exc}"[:200]
    except Exception as exc:  # the in-process implementation raises the student's own exception
        return False, f"{type(exc).__name__}: {exc}"[:200]
    return False, f"no exception; returned {describe(result)}"


def expect_value_error(fn, what):
    ok, got = raises_value_error(fn)
    if not ok:
        fail(f"{what} should raise ValueError.", "ValueError", got)


# -- perplexity --------------------------------------------------------------------------------

def _ppl_mistakes(logits, targets, ignore_index=-100):
    keep = targets != ignore_index
    lp = torch.log_softmax(logits.to(F64), dim=-1)
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -lp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    kept = nll[keep]
    out = {NO_EXP: kept.mean(), LOG2: torch.exp2(kept.mean() / math.log(2)), MEAN_OF_EXP: torch.exp(kept).mean(),
           EXP_OF_SUM: torch.exp(kept.sum())}
    if kept.numel() != nll.numel():
        out[IGNORE_COUNTED] = torch.exp((nll * keep).sum() / nll.numel())
    if nll.dim() >= 2 and bool(keep.all()):
        rows = nll.reshape(-1, nll.shape[-1])
        out[MEAN_OF_EXP + " "] = torch.exp(rows.mean(-1)).mean()
    return {h: v.reshape(()) for h, v in out.items()}


def check_perplexity(impl, logits, targets, what, ignore_index=None, rtol=1e-6):
    kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
    got = impl.perplexity(logits, targets, **kwargs)
    expected = ref.perplexity(logits.to(F64), targets, **kwargs)
    assert_tensor(got, what, ())
    if not torch.isfinite(got.detach()).all():
        fail(f"{what} is not finite.", f"{float(expected):.6g}", f"{float(got):.6g}", OVERFLOW)
    assert_close(got, expected, what, atol=1e-6, rtol=rtol,
                 mistakes=_ppl_mistakes(logits, targets, -100 if ignore_index is None else ignore_index))


@pytest.mark.item("perplexity")
def test_perplexity_small_examples(impl):
    """perplexity: uniform logits give V, and a hand-computed 2-token example is right"""
    got = impl.perplexity(torch.zeros(3, 7, dtype=F64), torch.tensor([0, 3, 6]))
    assert_tensor(got, "perplexity(zeros(3, 7), targets) (a 0-dim tensor)", ())
    if not math.isclose(float(got), 7.0, rel_tol=1e-9):
        hint = EXP_OF_SUM if math.isclose(float(got), 7.0 ** 3, rel_tol=1e-6) else NO_EXP
        fail("perplexity of uniform logits over V = 7 classes (3 targets) should be 7.", "7", f"{float(got):.6g}",
             hint)
    logits = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], dtype=F64))
    check_perplexity(impl, logits, torch.tensor([0, 2]),
                     "perplexity with p(target) = 0.5 and 0.8 (expected exp(-(log 0.5 + log 0.8)/2) = 1.5811)")


@pytest.mark.item("perplexity")
@given(B=st.integers(1, 3), T=st.integers(1, 6), V=st.integers(2, 9), seed=seeds(), dtype=st.sampled_from([F64, torch.float32]))
def test_perplexity_matches_reference_3d(impl, B, T, V, seed, dtype):
    """perplexity of (B, T, V) logits matches exp(mean NLL) in float32 and float64"""
    logits = random_tensor(seed, B, T, V, scale=3.0).to(dtype)
    targets = torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(seed + 1))
    check_perplexity(impl, logits, targets, f"perplexity of logits of shape {(B, T, V)} ({str(dtype)[6:]})")


@pytest.mark.item("perplexity")
def test_perplexity_1d_and_2d(impl):
    """perplexity accepts (V,) logits with a 0-dim target and (T, V) logits with (T,) targets"""
    logits = random_tensor(3, 6)
    check_perplexity(impl, logits, torch.tensor(4), "perplexity of (V,) = (6,) logits with a 0-dim target 4")
    logits = random_tensor(4, 5, 6)
    check_perplexity(impl, logits, torch.tensor([0, 5, 2, 2, 1]), "perplexity of (T, V) = (5, 6) logits")


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
    check_perplexity(impl, logits, targets, f"perplexity of (3, 5, 6) logits with 3 targets = {ignore_index}{kwargs}",
                     ignore_index=None if ignore_index == -100 else ignore_index)


@pytest.mark.item("perplexity")
def test_perplexity_large_logits_finite(impl):
    """perplexity stays finite and right for logits up to 1e4 in magnitude"""
    # targets within a few units of the best logit: the true perplexity is moderate, the logits are huge
    logits = torch.tensor([[1e4, -1e4, 1e4 - 2.0, 0.0, 5.0], [-1e4, -1e4 + 1.0, -1e4 + 3.0, -9999.5, -1e4],
                           [3e3, -5e3, 1e4, 1e4 - 1.0, 2.0], [-1e4, 1e4, 0.0, 1e4 - 4.0, -2.0]], dtype=F64)
    targets = torch.tensor([2, 3, 3, 1])
    for dtype in (F64, torch.float32):
        check_perplexity(impl, logits.to(dtype), targets,
                         f"perplexity of (4, 5) logits of magnitude 1e4 ({str(dtype)[6:]})",
                         rtol=1e-6 if dtype == F64 else 2e-3)


@pytest.mark.item("perplexity")
def test_perplexity_gradient(impl):
    """perplexity is differentiable: its gradient with respect to the logits matches"""
    logits = random_tensor(11, 2, 3, 4)
    targets = torch.tensor([[0, 1, 3], [2, 2, 1]])
    result = impl.call_with_grad(impl.perplexity, logits, targets, grad_output=torch.tensor(1.0, dtype=F64))
    leaf = logits.clone().requires_grad_()
    ref.perplexity(leaf, targets).backward()
    grad = result.input_grads[0]
    if grad is None:
        fail("No gradient reached the logits through perplexity.", "a gradient", "None",
             "build the result from torch operations (no .item(), numpy or torch.no_grad)")
    assert_close(grad, leaf.grad, "the gradient of perplexity with respect to the logits")


# -- temperature_softmax -----------------------------------------------------------------------

@pytest.mark.item("temperature_softmax")
def test_temperature_softmax_at_one_is_softmax(impl):
    """temperature_softmax at T = 1 equals softmax over the last dimension"""
    logits = random_tensor(21, 3, 4, 5)
    mistakes = {WRONG_DIM: torch.softmax(logits, dim=1), WRONG_DIM + " ": torch.softmax(logits, dim=0)}
    assert_close(impl.temperature_softmax(logits, 1.0), torch.softmax(logits, -1),
                 "temperature_softmax(logits of shape (3, 4, 5), 1.0)", mistakes=mistakes)


@pytest.mark.item("temperature_softmax")
@given(T=st.sampled_from([0.1, 0.5, 2.0, 7.0, 3]), seed=seeds(), shape=st.sampled_from([(5,), (2, 6), (2, 3, 4)]))
def test_temperature_softmax_matches(impl, T, seed, shape):
    """temperature_softmax(logits, T) equals softmax(logits / T) for several T and shapes"""
    logits = random_tensor(seed, *shape, scale=2.0)
    mistakes = {TEMP_MULTIPLY: torch.softmax(logits * T, -1)}
    if len(shape) > 1:
        mistakes[WRONG_DIM] = torch.softmax(logits / T, 0)
    assert_close(impl.temperature_softmax(logits, T), ref.temperature_softmax(logits, T),
                 f"temperature_softmax(logits of shape {shape}, {T})", mistakes=mistakes)


@pytest.mark.item("temperature_softmax")
def test_temperature_softmax_rejects_nonpositive(impl):
    """temperature_softmax raises ValueError for T = 0 and T < 0"""
    logits = random_tensor(22, 2, 3)
    for T in (0.0, -1.0, 0):
        expect_value_error(lambda: impl.temperature_softmax(logits, T), f"temperature_softmax(logits, {T!r})")


# -- sample_next -------------------------------------------------------------------------------

def _gen(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.item("sample_next")
def test_sample_next_greedy(impl):
    """sample_next at temperature 0 is the argmax of every row"""
    logits = random_tensor(31, 6, 9, scale=3.0)
    got = impl.sample_next(logits, 0.0)
    assert_tensor(got, "sample_next(logits of shape (6, 9), temperature=0)", (6,))
    if got.dtype != torch.long or not torch.equal(got, logits.argmax(-1)):
        fail("sample_next at temperature 0 should return logits.argmax(dim=-1) as a LongTensor.",
             f"{logits.argmax(-1).tolist()} (int64)", f"{got.tolist()} ({str(got.dtype)[6:]})",
             "temperature 0 is greedy decoding: no sampling, the most likely id of each row")


@pytest.mark.item("sample_next")
def test_sample_next_rejects_negative(impl):
    """sample_next raises ValueError for a negative temperature"""
    expect_value_error(lambda: impl.sample_next(random_tensor(32, 2, 4), -0.5), "sample_next(logits, -0.5)")


@pytest.mark.item("sample_next")
def test_sample_next_shape_and_range(impl):
    """sample_next returns a LongTensor (B,) of ids in [0, V)"""
    got = impl.sample_next(random_tensor(33, 7, 5), 1.0, _gen(1))
    assert_tensor(got, "sample_next(logits of shape (7, 5), 1.0, generator)", (7,))
    if got.dtype != torch.long or got.min() < 0 or got.max() >= 5:
        fail("sample_next should return int64 ids in [0, V) = [0, 5).", "int64 ids in [0, 5)",
             f"{got.tolist()} ({str(got.dtype)[6:]})")


@pytest.mark.item("sample_next")
def test_sample_next_reproducible_with_generator(impl):
    """sample_next: the same generator seed gives the same draws, without touching the global random state"""
    logits = random_tensor(34, 50, 6)
    before = impl.global_random_state()  # where the student's code runs: this process or the sandboxed worker
    first = impl.sample_next(logits, 1.0, _gen(123))
    if impl.global_random_state() != before:
        fail("sample_next changed the global random state although a generator was given.",
             "only the generator is used", "torch's global random state advanced",
             "pass generator=generator to torch.multinomial / torch.rand, and draw nothing else")
    second = impl.sample_next(logits, 1.0, _gen(123))
    if not (isinstance(second, torch.Tensor) and torch.equal(first, second)):
        fail("sample_next with two generators seeded alike (123) should draw the same ids.",
             f"{first.tolist()} twice", f"{describe(second) if not isinstance(second, torch.Tensor) else second.tolist()}",
             "use the generator argument for every random draw (torch.multinomial(..., generator=generator)), "
             "not the global random state")


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
    assert_tensor(got, f"sample_next(logits of shape ({CHI2_DRAWS}, 5), {T}, generator)", (CHI2_DRAWS,))
    counts = torch.bincount(got.long().clamp(0, 4), minlength=5).to(F64)
    expected = probs * CHI2_DRAWS
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    if chi2 > CHI2_CRITICAL_DF4:
        hint = None
        for wrong_hint, wrong_probs in [(TEMP_MULTIPLY, torch.softmax(base * T, -1)),
                                        ("sample from temperature_softmax(logits, temperature), not softmax(logits)",
                                         torch.softmax(base, -1))]:
            e = wrong_probs * CHI2_DRAWS
            if float(((counts - e) ** 2 / e).sum()) <= CHI2_CRITICAL_DF4:
                hint = wrong_hint
                break
        fail(f"sample_next at T = {T}: {CHI2_DRAWS} draws from logits {base.tolist()} do not follow softmax(logits / T) "
             f"(chi-square {chi2:.1f} > {CHI2_CRITICAL_DF4}: alpha = {CHI2_ALPHA}, 4 degrees of freedom).",
             f"frequencies near {[round(p, 3) for p in probs.tolist()]}",
             f"frequencies {[round(c / CHI2_DRAWS, 3) for c in counts.tolist()]}",
             hint or "draw id v with probability temperature_softmax(logits, T)[v], e.g. torch.multinomial")


# -- CharLM ------------------------------------------------------------------------------------

def _tokens(seed, B, T, V):
    return torch.randint(0, V, (B, T), generator=_gen(seed))


def _logits(out, what, shape):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        fail(f"{what} should return a pair (logits, state).", "a tuple of 2 items", describe(out))
    assert_tensor(out[0], f"the logits of {what}", shape)
    return out[0]


@pytest.mark.item("CharLM")
def test_charlm_shapes(impl):
    """CharLM forward returns logits (B, T, V) and a state, for 1 and 2 layers"""
    for layers in (1, 2):
        torch.manual_seed(0)
        model = impl.CharLM(11, 6, 8, layers) if layers != 1 else impl.CharLM(11, 6, 8)
        what = f"CharLM(11, 6, 8{', 2' if layers == 2 else ''})(tokens of shape (3, 5))"
        _logits(model(_tokens(1, 3, 5, 11)), what, (3, 5, 11))


@pytest.mark.item("CharLM")
def test_charlm_state_carries_over(impl):
    """CharLM: running a sequence in two chunks, passing the state on, gives the same logits as in one go"""
    torch.manual_seed(1)
    model = impl.CharLM(9, 5, 7, 2)
    model.eval()
    tokens = _tokens(2, 2, 8, 9)
    full = _logits(model(tokens), "CharLM(9, 5, 7, 2)(tokens of shape (2, 8))", (2, 8, 9))
    first = model(tokens[:, :3])
    _logits(first, "CharLM(...)(tokens[:, :3])", (2, 3, 9))
    second = model(tokens[:, 3:], first[1])
    part = _logits(second, "CharLM(...)(tokens[:, 3:], state)", (2, 5, 9))
    assert_close(torch.cat([first[0], part], 1), full,
                 "the logits of two chunks (3 + 5 steps, the second started from the first's state)",
                 atol=1e-5, rtol=1e-4,
                 mistakes={"forward ignores the state it is given: pass state to the recurrent layer":
                           torch.cat([first[0], _quiet_logits(model, tokens[:, 3:])], 1)})


def _quiet_logits(model, tokens):
    try:
        return model(tokens)[0]
    except Exception:
        return None


@pytest.mark.item("CharLM")
def test_charlm_causal_and_batch_independent(impl):
    """CharLM: changing a later token or another row never changes earlier logits of a row"""
    torch.manual_seed(2)
    model = impl.CharLM(10, 4, 6)
    model.eval()
    tokens = _tokens(3, 3, 7, 10)
    base = _logits(model(tokens), "CharLM(10, 4, 6)(tokens of shape (3, 7))", (3, 7, 10))
    changed = tokens.clone()
    changed[0, 4] = (changed[0, 4] + 1) % 10
    changed[2] = (changed[2] + 3) % 10
    out = _logits(model(changed), "CharLM(10, 4, 6)(changed tokens)", (3, 7, 10))
    assert_close(out[0, :4], base[0, :4], "the logits at steps 0..3 of row 0 after changing its token 4 "
                 "(a language model must not look ahead)", atol=1e-6, rtol=1e-5)
    assert_close(out[1], base[1], "the logits of row 1 after changing rows 0 and 2 (rows are independent)",
                 atol=1e-6, rtol=1e-5)


@pytest.mark.item("CharLM")
def test_charlm_trains(impl):
    """CharLM: gradients reach the parameters and the logits depend on the input tokens"""
    torch.manual_seed(3)
    model = impl.CharLM(8, 4, 5)
    tokens = _tokens(4, 2, 6, 8)
    grad = torch.ones(2, 6, 8)
    result = impl.call_with_grad(model, tokens, grad_output=(grad, None))
    if not result.param_grads:
        fail("No gradient reached the parameters of CharLM.", "gradients for the parameters", "none",
             "register the layers as attributes (self.embedding = nn.Embedding(...)) in __init__")
    other = _logits(model(torch.zeros_like(tokens)), "CharLM(8, 4, 5)(zeros)", (2, 6, 8))
    if torch.allclose(other.to(F64), result.output[0].to(F64)):
        fail("CharLM's logits do not depend on the input tokens.", "different logits for different tokens",
             "the same logits")


# -- generate ----------------------------------------------------------------------------------

VOCAB = CharVocab()


class _BigramLM(nn.Module):
    """A grader-made language model for the generate checks: next-character logits from a table.

    TorchScript, so it can be handed to student code without any of the grader's Python code.
    """

    def __init__(self, vocab_size: int, seed: int):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.table = nn.Parameter(torch.randn(vocab_size, vocab_size, generator=gen) * 3.0)

    def forward(self, tokens: torch.Tensor, state: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
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
        fail(f"{what} should return a str.", "a str", describe(out))
    if not out.startswith(prefix) or len(out) != len(prefix) + length:
        fail(f"{what} should return the prefix followed by {length} characters.",
             f"a str of length {len(prefix) + length} starting with {prefix!r}", f"{out!r} (length {len(out)})",
             "return prefix + the sampled characters (one per step, exactly `length` of them)")
    return out


@pytest.mark.item("generate")
def test_generate_greedy_matches(impl):
    """generate at temperature 0 continues the prefix exactly as greedy decoding does"""
    for seed, prefix, length in [(41, "ROMEO:\n", 30), (42, "To be", 12), (43, "a", 1)]:
        model = _tiny_model(seed)
        expected = ref.generate(model, VOCAB, prefix, length, 0.0)
        got = _generate(impl, model, prefix, length, 0.0)
        if got != expected:
            k = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
            fail(f"generate(model, vocab, {prefix!r}, {length}, temperature=0) differs from greedy decoding at "
                 f"character {k} (generated character {k - len(prefix)}).", repr(expected), repr(got),
                 "feed the whole prefix first, then at each step take the logits of the LAST position, pick the "
                 "next id and feed it (with the state) to get the next logits")


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
        fail("generate with two generators seeded alike (7) should give the same text.", repr(first), repr(again),
             "pass the generator to sample_next at every step")
    texts = {_generate(impl, model, "HAMLET:\n", 40, 1.0, _gen(s)) for s in (8, 9, 10)}
    if len(texts | {first}) == 1:
        fail("generate at temperature 1 gave the same text for four different seeds.", "different samples",
             repr(first), "sample with sample_next(logits, temperature, generator), not argmax")


# -- the trained checkpoint --------------------------------------------------------------------

def _trained_language_model(impl):
    checkpoint = load_checkpoint(impl, CHECKPOINT, ("config", "state_dict"), SAVE_HINT)
    if checkpoint["config"].get("vocab_size") != len(VOCAB):
        fail(f"{CHECKPOINT}: config['vocab_size'] should be the size of the course's character vocabulary.",
             len(VOCAB), checkpoint["config"].get("vocab_size"), SAVE_HINT)
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
            fail("the trained CharLM should return (logits, state).", "a tuple of 2", describe(out))
        logits, state = out
        assert_tensor(logits, "the trained CharLM's logits", (*chunk.shape, len(VOCAB)))
        nll = torch.log(ref.perplexity(logits.to(F64), targets[:, start:start + SEQ_LEN])).item()
        total_nll += nll * chunk.numel()
    value = math.exp(total_nll / inputs.numel())
    if not value <= VALID_PERPLEXITY_THRESHOLD:
        fail(f"the trained language model's perplexity on {VALID_CHARS:,} validation characters is too high.",
             f"<= {VALID_PERPLEXITY_THRESHOLD}", f"{value:.3f}",
             "train with the notebook's settings (all steps) and save the model after training")
