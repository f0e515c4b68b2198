"""Hidden checks of week 5: convolution over time."""
import math
from dataclasses import dataclass, replace

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st

import solutions.w05_conv1d as ref
from autograder.checks.clauses import Clause
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import HINT
from autograder.checks.helpers import (expect_value_error, CheckFailure, F64, assert_close, check_state_dict_layout, describe, fail,
                                       quietly, random_tensor, same_values, seeds)
from autograder.checks.helpers import calling as calling_with
from autograder.implementation import StudentCodeError
from autograder.messages import N_, _

WEEK = "w05_conv1d"
_CONV = ["torch.nn.functional.conv*", "torch.conv*", "torch.nn.Conv*", "torch.convolution", "torch._convolution"]
FORBIDDEN = {
    "conv1d": _CONV, "conv1d_output_length": [], "Conv1d": _CONV, "receptive_field": [], "causal_conv1d": _CONV,
}
# Each item is graded on its own: while Conv1d or causal_conv1d is checked, conv1d is the reference's.
BUILDS_ON = {"Conv1d": ["conv1d"], "causal_conv1d": ["conv1d"]}

LECTURE_X = [1.0, 3.0, 3.0, 0.0, 1.0, 2.0]
LECTURE_W = [2.0, 0.0, 1.0]
LECTURE_OUT = [5.0, 6.0, 7.0, 2.0]
LECTURE_CAUSAL_OUT = [1.0, 3.0, 5.0, 6.0, 7.0, 2.0]
LENGTH_FORMULA = "out_length = floor((length + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1"

# -- hints: what a classic mistake looks like, said once ------------------------------------

FLIP = N_("deep-learning convolution is cross-correlation: do not flip the kernel (weight[..., k] multiplies tap k, "
          "the k-th input step of the window, from left to right)")
NO_BIAS = N_("add bias[o] to every step of output channel o")
OFF_BY_ONE = N_("off by one: a window of span dilation*(kernel_size-1)+1 fits at (padded_length - span) // stride "
                "+ 1 start positions; the last window ends exactly at or before the last padded input step "
                "({formula})")
DILATION_TAPS = N_("dilation spaces the kernel's taps: tap k of output t reads padded input step t*stride + "
                   "k*dilation (a window spans dilation*(kernel_size-1)+1 steps)")
DILATION_INPUT = N_("dilation is applied to the kernel, not the input: keep every input step and space the kernel's "
                    "taps dilation steps apart (tap k reads input t*stride + k*dilation); do not subsample x or "
                    "insert zeros between its steps")
STRIDE = N_("stride moves the window: output t starts at padded input step t*stride (keep every stride-th window)")
SWAPPED = N_("stride and dilation are swapped: stride is the step between neighbouring windows, dilation the step "
             "between the taps inside one window")
STRIDE_PADDING_SWAPPED = N_("stride and padding are swapped: the arguments are in the order (x, weight, bias, "
                            "stride, padding, dilation)")
PADDING = N_("padding adds `padding` zeros at BOTH ends of x (padding on each side, not in total) before the kernel "
             "slides")
CAUSAL_BOTH = N_("causal padding goes on the LEFT only: pad dilation*(kernel_size-1) zeros before the first step "
                 "and none after it, so output t ends at input t and the output has the input's length")
CAUSAL_RIGHT = N_("pad on the left (the past), not on the right (the future): output t must not read inputs after "
                  "step t")
CAUSAL_DILATION = N_("the left padding is dilation*(kernel_size-1), the span of the dilated kernel minus one (not "
                     "kernel_size-1)")
CAUSAL_DELAY = N_("output t ends at input t (its last tap reads x[..., t]): pad exactly dilation*(kernel_size-1) "
                  "zeros, not more")
MEAN = N_("each output is the SUM of weight[o, c, k] * x[c, t*stride + k*dilation] over the input channels c and "
          "the taps k, not their mean")
CHANNEL_SUM = N_("sum over every input channel c: output channel o adds weight[o, c, k] * x[b, c, ...] for all c, "
                 "not only c = 0")
ARGUMENT_ORDER = N_("take the arguments in nn.Conv1d's order: (in_channels, out_channels, kernel_size, stride, "
                    "padding, dilation, bias); your layer is right with keyword arguments only")
NONE_MEANS_ONES = N_("dilations=None and strides=None mean all ones: replace None by [1] * len(kernel_sizes) first")
SEQUENCES = N_("kernel_sizes, dilations and strides may be lists or tuples: convert them with list(...) before "
               "concatenating or changing them")
MODULE_ERRORS = {  # {text in the error: hint}; translated where used
    "unexpected keyword argument": N_("take nn.Conv1d's argument names: Conv1d(in_channels, out_channels, "
                                      "kernel_size, stride=1, padding=0, dilation=1, bias=True)"),
    "before Module.__init__() call": N_("call super().__init__() first in __init__, before assigning parameters"),
}
NO_GRAD = N_("build the result from torch operations on the inputs (no .detach(), .item(), numpy or torch.no_grad)")
WEIGHT_LAYOUT = N_("weight is (out_channels, in_channels, kernel_size): output channel o sums weight[o, c, k] times "
                   "the input channel c over every c (do not swap weight's first two dimensions)")
NO_BIAS_ARGUMENT = N_("bias=None (the default) means no bias: add the bias only when it is not None")
BIAS_AXIS = N_("bias[o] belongs to output channel o, the middle dimension: add bias[:, None] "
               "(shape (out_channels, 1)); a plain + bias broadcasts along the time steps")
DTYPE = N_("the output has the inputs' dtype: build zeros, masks and padding with x.new_zeros(...) or "
           "dtype=x.dtype, and do not convert to float64 (or to float32) on the way")


def off_by_one():
    """The hint OFF_BY_ONE, in the current language."""
    return _(OFF_BY_ONE).format(formula=LENGTH_FORMULA)


def translated(errors):
    """{text in the error: hint} with the hints in the current language."""
    return {text: _(hint) for text, hint in errors.items()}


# -- configurations and inputs ---------------------------------------------------------------

@dataclass(frozen=True)
class Conv:
    """One conv1d call: sizes, hyper-parameters and a seed for the values."""
    B: int = 2
    C_in: int = 2
    C_out: int = 2
    K: int = 3
    L: int = 9
    s: int = 1
    p: int = 0
    d: int = 1
    bias: bool = True
    seed: int = 0

    @property
    def span(self):
        return self.d * (self.K - 1) + 1

    @property
    def out_length(self):
        return (self.L + 2 * self.p - self.span) // self.s + 1

    def inputs(self, dtype=F64):
        x = random_tensor(self.seed, self.B, self.C_in, self.L).to(dtype)
        w = random_tensor(self.seed + 1, self.C_out, self.C_in, self.K).to(dtype)
        b = random_tensor(self.seed + 2, self.C_out).to(dtype) if self.bias else None
        return x, w, b

    def call(self, name="conv1d", keywords=True):
        keyword_args = f", stride={self.s}, padding={self.p}, dilation={self.d}" if keywords else ""
        return _("{name}(x of shape {x_shape}, weight of shape {weight_shape}, {bias}{keywords})").format(
            name=name, x_shape=(self.B, self.C_in, self.L), weight_shape=(self.C_out, self.C_in, self.K),
            bias="bias" if self.bias else "bias=None", keywords=keyword_args)


@st.composite
def convs(draw, stride=(1, 1), padding=(0, 0), dilation=(1, 1), kernel=(1, 5), bias=None):
    """A valid Conv: the padded input is at least as long as the kernel's span."""
    K, s = draw(st.integers(*kernel)), draw(st.integers(*stride))
    p, d = draw(st.integers(*padding)), draw(st.integers(*dilation))
    span = d * (K - 1) + 1
    shortest = max(1, span - 2 * p)
    L = draw(st.integers(shortest, shortest + 9))
    return Conv(B=draw(st.integers(1, 3)), C_in=draw(st.integers(1, 4)), C_out=draw(st.integers(1, 4)), K=K, L=L,
                s=s, p=p, d=d, bias=draw(st.booleans()) if bias is None else bias, seed=draw(seeds()))


def _valid(length, K, s, d):
    return length >= d * (K - 1) + 1 and s >= 1 and d >= 1


def _windows_contiguous(xp, w, b, s, n):
    """Output of a conv whose taps are contiguous (dilation ignored in the taps) but whose length is n."""
    K = w.shape[2]
    if xp.shape[2] < K:
        return None
    win = xp.unfold(2, K, s)[:, :, :n]
    out = torch.einsum("bclk,ock->bol", win, w)
    return out if b is None else out + b[:, None]


def _zero_stuffed(xp, d):
    out = xp.new_zeros(*xp.shape[:2], (xp.shape[2] - 1) * d + 1)
    out[..., ::d] = xp
    return out


def conv_variants(x, w, b, s, p, d):
    """[(hint, tensor)] that classic mistakes return for conv1d(x, w, b, s, p, d)."""
    K, L = w.shape[2], x.shape[2]
    xp = F.pad(x, (p, p))
    n = (L + 2 * p - d * (K - 1) - 1) // s + 1
    correct = ref.conv1d(x, w, b, s, p, d)
    out = [(_(FLIP), ref.conv1d(x, w.flip(-1), b, s, p, d))]
    no_bias = ref.conv1d(x, w, None, s, p, d)
    if w.shape[1] * K > 1:
        out.append((_(MEAN), no_bias / (w.shape[1] * K) + (0 if b is None else b[:, None])))
        out.append((_(MEAN), no_bias / K + (0 if b is None else b[:, None])))
    if w.shape[1] > 1:
        out.append((_(CHANNEL_SUM), torch.einsum("bclk,ock->bol", F.pad(x, (p, p)).unfold(2, d * (K - 1) + 1, s)
                                              [..., ::d][:, :1], w[:, :1]) + (0 if b is None else b[:, None])))
    if b is not None:
        out.append((_(NO_BIAS), ref.conv1d(x, w, None, s, p, d)))
        if n == b.shape[0] > 1:
            out.append((_(BIAS_AXIS), ref.conv1d(x, w, None, s, p, d) + b))
    if w.shape[0] == w.shape[1] > 1:
        out.append((_(WEIGHT_LAYOUT), ref.conv1d(x, w.transpose(0, 1), b, s, p, d)))
    if n > 1:
        out.append((off_by_one(), correct[..., :-1]))
    if d > 1:
        out.append((_(DILATION_TAPS), _windows_contiguous(xp, w, b, s, n)))
        out.append((_(DILATION_TAPS), ref.conv1d(x, w, b, s, p, 1)))
        if _valid(-(-xp.shape[2] // d), K, s, 1):
            out.append((_(DILATION_INPUT), ref.conv1d(xp[..., ::d], w, b, s)))
        out.append((_(DILATION_INPUT), ref.conv1d(_zero_stuffed(xp, d), w, b, s)))
    if s > 1:
        out.append((_(STRIDE), ref.conv1d(x, w, b, 1, p, d)))
    if s != d and _valid(L + 2 * p, K, d, s):
        out.append((_(SWAPPED), ref.conv1d(x, w, b, d, p, s)))
    if s != p and p >= 1 and _valid(L + 2 * s, K, p, d):
        out.append((_(STRIDE_PADDING_SWAPPED), ref.conv1d(x, w, b, p, s, d)))
    if p > 0:
        if _valid(L, K, s, d):
            out.append((_(PADDING), ref.conv1d(x, w, b, s, 0, d)))
        if _valid(L + p, K, s, d):
            out.append((_(PADDING), ref.conv1d(F.pad(x, (p, 0)), w, b, s, 0, d)))
            out.append((_(PADDING), ref.conv1d(F.pad(x, (0, p)), w, b, s, 0, d)))
        out.append((_(PADDING), ref.conv1d(x, w, b, s, 2 * p, d)))
    return [(hint, t) for hint, t in out if t is not None]


def causal_variants(x, w, b, d):
    """[(hint, tensor)] that classic mistakes return for causal_conv1d(x, w, b, d)."""
    K, L = w.shape[2], x.shape[2]
    left = d * (K - 1)
    conv = lambda xp, dil=d: ref.conv1d(xp, w, b, dilation=dil)  # noqa: E731
    out = [(_(FLIP), ref.causal_conv1d(x, w.flip(-1), b, d))]
    if b is not None:
        out.append((_(NO_BIAS), ref.causal_conv1d(x, w, None, d)))
    if left > 0:
        out += [
            (_(CAUSAL_BOTH), conv(F.pad(x, (left // 2, left - left // 2)))),
            (_(CAUSAL_BOTH), conv(F.pad(x, (left - left // 2, left // 2)))),
            (_(CAUSAL_BOTH), conv(F.pad(x, (left, left)))),
            (_(CAUSAL_RIGHT), conv(F.pad(x, (0, left)))),
            (_(CAUSAL_DELAY), conv(F.pad(x, (left + 1, 0)))[..., :L]),
            (_(CAUSAL_DELAY), conv(F.pad(x, (left + 1, 0)))),
        ]
    if d > 1:
        if _valid(L + K - 1, K, 1, d):
            out.append((_(CAUSAL_DILATION), conv(F.pad(x, (K - 1, 0)))))
        out.append((_(DILATION_TAPS), ref.causal_conv1d(x, w, b, 1)))
        out.append((_(DILATION_TAPS), conv(F.pad(x, (K - 1, 0)), 1)))
    return out


# Small calls, each isolating one hyper-parameter, where the classic mistakes give distinct results.
CONV_PROBES = [
    Conv(B=2, C_in=3, C_out=2, K=3, L=9, seed=101),
    Conv(B=2, C_in=2, C_out=3, K=3, L=13, s=3, seed=102),
    Conv(B=1, C_in=2, C_out=2, K=3, L=7, p=2, seed=103),
    Conv(B=1, C_in=2, C_out=2, K=3, L=12, d=3, seed=104),
    Conv(B=2, C_in=2, C_out=3, K=3, L=17, s=3, p=1, d=2, seed=105),
    Conv(B=1, C_in=2, C_out=3, K=3, L=5, seed=106),  # out_length == out_channels: a bias added along time broadcasts
]
CAUSAL_PROBES = [
    Conv(B=1, C_in=2, C_out=2, K=3, L=10, seed=111),
    Conv(B=2, C_in=2, C_out=3, K=3, L=10, d=2, seed=112),
    Conv(B=1, C_in=3, C_out=2, K=2, L=9, d=3, seed=113),
]


def match_variant(actual, expected, variants, shapes_too=False):
    """The hint of the one mistake ``actual`` equals (values), else (with shapes_too) of the one with its length.

    None when ``actual`` is right, unrecognised, or equal to several mistakes (on small inputs different
    mistakes can give the same numbers: the probes decide then).
    """
    if not isinstance(actual, torch.Tensor) or same_values(actual, expected):
        return None
    variants = [(h, v) for h, v in variants if not same_values(v, expected)]
    by_value = {hint for hint, wrong in variants if same_values(actual, wrong)}
    if len(by_value) == 1:
        return by_value.pop()
    if by_value:
        return None
    if shapes_too and actual.dim() == 3 and actual.shape[:2] == expected.shape[:2]:
        length = actual.shape[2]
        by_length = {h for h, v in variants if v.shape[2] == length}
        if length in (expected.shape[2] - 1, expected.shape[2] + 1):
            by_length.add(off_by_one())
        if len(by_length) == 1:
            return by_length.pop()
    return None


def probe_hint(run, probes, variants, expected):
    """Run the student's code on each probe; the first recognised mistake's hint, or None.

    run(cfg) -> the student's output; variants(cfg) -> [(hint, tensor)]; expected(cfg) -> tensor.
    """
    for cfg in probes:
        actual = quietly(lambda: run(cfg))
        hint = match_variant(actual, expected(cfg), variants(cfg), shapes_too=True)
        if hint:
            return hint
    return None


def conv1d_probe_hint(impl):
    def run(cfg):
        x, w, b = cfg.inputs()
        return impl.conv1d(x, w, b, stride=cfg.s, padding=cfg.p, dilation=cfg.d)
    return probe_hint(run, CONV_PROBES, lambda c: conv_variants(*c.inputs(), c.s, c.p, c.d),
                      lambda c: ref.conv1d(*c.inputs(), c.s, c.p, c.d))


def _where_conv(index, cfg):
    b, o, t = index
    taps = [t * cfg.s + k * cfg.d - cfg.p for k in range(cfg.K)]
    return _("output step t={t} (batch {batch}, out channel {channel}) is the window that starts at padded input "
             "t*stride = {start}; its taps read x[{batch}, :, {taps}] (negative or >= {length}: padding zeros)").format(
        t=t, batch=b, channel=o, start=t * cfg.s, taps=taps, length=cfg.L)


def _where_causal(index, cfg):
    b, o, t = index
    taps = [t - (cfg.K - 1 - k) * cfg.d for k in range(cfg.K)]
    return _("output step t={t} (batch {batch}, out channel {channel}) should read x[{batch}, :, {taps}] "
             "(negative: padding zeros)").format(t=t, batch=b, channel=o, taps=taps)


def check_output(actual, expected, what, diagnose=None, where=None, atol=1e-6, rtol=1e-5):
    """Compare an output (batch, out_channels, length) with the reference; on a difference, say where and,
    when ``diagnose(actual)`` recognises a classic mistake, why."""
    if not isinstance(actual, torch.Tensor):
        fail(_("{what} should return a torch.Tensor.").format(what=what),
             _("a tensor of shape {shape}").format(shape=tuple(expected.shape)), describe(actual))
    if tuple(actual.shape) != tuple(expected.shape):
        hint = quietly(lambda: diagnose(actual)) if diagnose else None
        if hint is None:
            if actual.dim() != 3 or actual.shape[:2] != expected.shape[:2]:
                hint = _("the output is (batch, out_channels, out_length): sum over the input channels and the "
                         "kernel's taps, one output channel per row of weight")
            else:
                hint = _("{formula}, here {length}").format(formula=LENGTH_FORMULA, length=expected.shape[2])
        fail(_("{what} returned the wrong shape (batch, out_channels, out_length).").format(what=what),
             _("shape {shape}").format(shape=tuple(expected.shape)),
             _("shape {shape}").format(shape=tuple(actual.shape)), hint)
    if same_values(actual, expected, atol, rtol):
        return
    hint = quietly(lambda: diagnose(actual)) if diagnose else None
    try:
        assert_close(actual, expected, what, atol=atol, rtol=rtol, mistakes={hint: actual} if hint else None)
    except CheckFailure as exc:
        diff = (actual.detach().to(F64) - expected.to(F64)).abs().nan_to_num(nan=math.inf)
        index = tuple(int(i) for i in torch.unravel_index(diff.flatten().argmax(), diff.shape))
        note = quietly(lambda: where(index)) if where else None
        raise CheckFailure(str(exc) + ("\n  " + _("where: {note}").format(note=note) if note else "")) from None


def calling(what, fn, hint):
    """fn(), the student's call; if it raises, add ``hint()`` (what the probes recognise) to the error."""
    try:
        return fn()
    except StudentCodeError as exc:
        found = None if exc.kind == "WorkerFailure" else quietly(hint)
        if not found:
            raise
        raise StudentCodeError(exc.kind, exc.message + "\n" + _(HINT).format(hint=found),
                               exc.traceback) from None
    except (CheckFailure, pytest.fail.Exception):
        raise
    except Exception as exc:  # the in-process implementation raises the student's own exception
        found = quietly(hint)
        if not found:
            raise
        raise CheckFailure(_("{what} raised {error}: {message}").format(what=what, error=type(exc).__name__,
                                                                         message=exc)
                           + "\n  " + _(HINT).format(hint=found)) from None


def diagnose_conv1d(impl, x, w, b, s, p, d):
    variants = conv_variants(x, w, b, s, p, d)
    expected = ref.conv1d(x, w, b, s, p, d)
    return lambda actual: match_variant(actual, expected, variants) or conv1d_probe_hint(impl)


def check_dtype(actual, dtype, what, hint=None):
    """hint: shown when the dtype is wrong (default: DTYPE)."""
    if isinstance(actual, torch.Tensor) and actual.dtype != dtype:
        fail(_("{what} returned the wrong dtype.").format(what=what), str(dtype).removeprefix("torch."),
             str(actual.dtype).removeprefix("torch."), hint if hint is not None else _(DTYPE))


def check_grads(got, names, leaves, what):
    for name, leaf, grad in zip(names, leaves, got):
        if leaf is None:
            continue
        if grad is None:
            fail(_("No gradient reached {name} through {what}.").format(name=name, what=what), _("a gradient"), "None",
                 _(NO_GRAD))
        assert_close(grad, leaf.grad, _("the gradient of {what} with respect to {name}").format(what=what, name=name))


# -- conv1d ----------------------------------------------------------------------------------

def _lecture_tensors(dtype=F64):
    return (torch.tensor([[LECTURE_X]], dtype=dtype), torch.tensor([[LECTURE_W]], dtype=dtype))


@pytest.mark.item("conv1d")
def test_conv1d_lecture_example(impl):
    """The lecture's example: conv1d([1, 3, 3, 0, 1, 2], kernel [2, 0, 1]) is [5, 6, 7, 2]."""
    x, w = _lecture_tensors()
    expected = torch.tensor([[LECTURE_OUT]], dtype=F64)
    what = "conv1d(x=[[[1, 3, 3, 0, 1, 2]]], weight=[[[2, 0, 1]]])"
    hint = lambda: bias_none_hint(impl, x, w) or conv1d_probe_hint(impl)  # noqa: E731
    check_output(calling(what, lambda: impl.conv1d(x, w), hint), expected, what,
                 diagnose_conv1d(impl, x, w, None, 1, 0, 1), lambda i: _where_conv(i, Conv(B=1, C_in=1, C_out=1, L=6)))


def bias_none_hint(impl, x, w):
    """The hint for a conv1d that fails without a bias but works with one."""
    with_bias = quietly(lambda: impl.conv1d(x, w, torch.zeros(w.shape[0], dtype=w.dtype)))
    return _(NO_BIAS_ARGUMENT) if isinstance(with_bias, torch.Tensor) else None


def _check_conv1d(impl, cfg, keywords=True, dtype=F64, atol=1e-6, rtol=1e-5):
    x, w, b = cfg.inputs(dtype)
    what = cfg.call(keywords=keywords)
    if dtype == torch.float32:
        what = _("{call} with float32 tensors").format(call=what)
    if keywords:
        actual = calling(what, lambda: impl.conv1d(x, w, b, stride=cfg.s, padding=cfg.p, dilation=cfg.d),
                         lambda: conv1d_probe_hint(impl))
    else:
        actual = calling(what, lambda: impl.conv1d(x, w, b), lambda: conv1d_probe_hint(impl))
    x, w, b = cfg.inputs()
    check_output(actual, ref.conv1d(x, w, b, cfg.s, cfg.p, cfg.d), what,
                 diagnose_conv1d(impl, x, w, b, cfg.s, cfg.p, cfg.d), lambda i: _where_conv(i, cfg), atol, rtol)
    check_dtype(actual, dtype, what)


@pytest.mark.item("conv1d", weight=3)
@given(convs())
def test_conv1d_random_shapes(impl, cfg):
    """conv1d(x, weight, bias) with the default stride, padding and dilation matches F.conv1d for random shapes."""
    _check_conv1d(impl, cfg, keywords=False)


@pytest.mark.item("conv1d")
@given(convs(stride=(2, 4)))
def test_conv1d_stride(impl, cfg):
    """conv1d with stride > 1 matches F.conv1d."""
    _check_conv1d(impl, cfg)


@pytest.mark.item("conv1d")
@given(convs(padding=(1, 3)))
def test_conv1d_padding(impl, cfg):
    """conv1d with padding > 0 (zeros at both ends) matches F.conv1d."""
    _check_conv1d(impl, cfg)


@pytest.mark.item("conv1d")
@given(convs(dilation=(2, 4), kernel=(2, 4)))
def test_conv1d_dilation(impl, cfg):
    """conv1d with dilation > 1 (taps spaced apart) matches F.conv1d."""
    _check_conv1d(impl, cfg)


@pytest.mark.item("conv1d")
@given(convs(stride=(2, 4), padding=(0, 3), dilation=(2, 4), kernel=(2, 4)))
@example(Conv(B=2, C_in=3, C_out=2, K=3, L=11, s=2, p=1, d=2, seed=7))
def test_conv1d_stride_and_dilation_together(impl, cfg):
    """conv1d with stride and dilation together (and padding) matches F.conv1d."""
    _check_conv1d(impl, cfg)


@pytest.mark.item("conv1d")
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3)))
def test_conv1d_float32(impl, cfg):
    """conv1d works for float32 tensors."""
    _check_conv1d(impl, cfg, dtype=torch.float32, atol=1e-4, rtol=1e-4)


@pytest.mark.item("conv1d", weight=2)
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3), bias=True))
def test_conv1d_gradients(impl, cfg):
    """Gradients flow through conv1d to the input, the weight and the bias."""
    x, w, b = cfg.inputs()
    grad_output = random_tensor(cfg.seed + 3, cfg.B, cfg.C_out, cfg.out_length)
    got = calling(cfg.call(), lambda: impl.call_with_grad(impl.conv1d, x, w, b, cfg.s, cfg.p, cfg.d,
                                                          grad_output=grad_output), lambda: conv1d_probe_hint(impl))
    leaves = [t.clone().requires_grad_() for t in (x, w, b)]
    expected = ref.conv1d(*leaves, cfg.s, cfg.p, cfg.d)
    check_output(got.output, expected.detach(), cfg.call(), diagnose_conv1d(impl, x, w, b, cfg.s, cfg.p, cfg.d))
    expected.backward(grad_output)
    check_grads(got.input_grads[:3], ["x", "weight", "bias"], leaves, cfg.call())


@pytest.mark.item("conv1d")
def test_conv1d_rejects_bad_shapes(impl):
    """conv1d raises ValueError when x or weight is not 3-D, or their numbers of input channels differ."""
    x, w, b = Conv(B=2, C_in=3, C_out=2, K=3, L=8).inputs()
    for xx, ww, text in [(x[0], w, _("x of shape (3, 8) (no batch dimension), weight of shape (2, 3, 3)")),
                         (x, w[:, 0], _("x of shape (2, 3, 8), weight of shape (2, 3) (no in_channels dimension)")),
                         (x[:, :2], w,
                          _("x of shape (2, 2, 8) (2 channels), weight of shape (2, 3, 3) (3 channels)"))]:
        expect_value_error(lambda: impl.conv1d(xx, ww, b), f"conv1d({text}, bias)",
                           _("check x.dim() == 3, weight.dim() == 3 and x.shape[1] == weight.shape[1] first, and "
                             "raise ValueError otherwise"))


# -- conv1d_output_length --------------------------------------------------------------------

def length_of(L, K, s=1, p=0, d=1):
    return (L + 2 * p - d * (K - 1) - 1) // s + 1


def length_variants(L, K, s, p, d):
    """[(hint, int)] that classic mistakes return."""
    n = length_of(L, K, s, p, d)
    return [
        (off_by_one(), n - 1), (off_by_one(), n + 1),
        (_("the kernel's span is dilation*(kernel_size-1)+1 steps: include the dilation"), length_of(L, K, s, p)),
        (_("padding adds zeros at both ends: 2*padding"), length_of(L + p, K, s, 0, d)),
        (_("divide by the stride: there is one output every stride steps"), length_of(L, K, 1, p, d)),
        (_("round down (floor): a last window that does not fit completely is dropped"),
         -(-(L + 2 * p - d * (K - 1) - 1) // s) + 1),
    ]


# Calls isolating one argument each, where the mistakes above give distinct numbers.
LENGTH_PROBES = [(6, 3, 1, 0, 1), (13, 3, 1, 0, 1), (13, 3, 1, 2, 1), (13, 3, 1, 0, 3), (14, 3, 4, 0, 1),
                 (40, 4, 3, 2, 3)]


def length_hint(impl, args, value):
    def recognise(call, got, specific=False):
        n = length_of(*call)
        if got == n:
            return None
        hints = {h for h, wrong in length_variants(*call) if wrong == got and wrong != n}
        if specific and len(hints) > 1:
            hints.discard(off_by_one())  # the probes without stride, padding and dilation passed: not off by one
        return hints.pop() if len(hints) == 1 else None

    hint = recognise(args, value)
    for k, call in enumerate(LENGTH_PROBES):
        if hint:
            break
        got = quietly(lambda: impl.conv1d_output_length(*call))
        hint = recognise(call, got, specific=k >= 2) if isinstance(got, (int, float)) else None
    return hint


def check_python_int(value, expected, what):
    if type(value) is not int:
        if isinstance(value, float):
            hint = _("use floor division // (or int(...)): the result must be an int such as 4, not 4.0")
        elif isinstance(value, torch.Tensor):
            hint = _("return a Python int (int(...) or .item()), not a tensor")
        else:
            hint = _("return a Python int")
        fail(_("{what} should return a Python int.").format(what=what), f"int {expected}", describe(value), hint)


@st.composite
def length_args(draw):
    K, s, p, d = draw(st.integers(1, 9)), draw(st.integers(1, 5)), draw(st.integers(0, 5)), draw(st.integers(1, 5))
    L = draw(st.integers(max(0, d * (K - 1) + 1 - 2 * p), 1000))
    return L, K, s, p, d


def _length_call(L, K, s, p, d):
    return f"conv1d_output_length({L}, kernel_size={K}, stride={s}, padding={p}, dilation={d})"


@pytest.mark.item("conv1d_output_length")
@given(length_args())
@example((6, 3, 1, 0, 1))
def test_conv1d_output_length_returns_python_int(impl, args):
    """conv1d_output_length returns a Python int (type int), for example 4 for the lecture's (6, 3)."""
    value = impl.conv1d_output_length(*args)
    check_python_int(value, length_of(*args), _length_call(*args))


@pytest.mark.item("conv1d_output_length")
@given(length_args())
@example((6, 3, 1, 0, 1))
@example((10, 3, 2, 1, 2))
def test_conv1d_output_length_formula(impl, args):
    """conv1d_output_length is floor((L + 2p - d(k-1) - 1)/s) + 1 for random arguments."""
    value = impl.conv1d_output_length(*args)
    expected = length_of(*args)
    check_python_int(value, expected, _length_call(*args))
    if value != expected:
        fail(_("{what} is wrong.").format(what=_length_call(*args)), str(expected), str(value),
             length_hint(impl, args, value) or LENGTH_FORMULA)


@pytest.mark.item("conv1d_output_length", weight=3)
@given(convs(stride=(1, 4), padding=(0, 3), dilation=(1, 3)))
def test_conv1d_output_length_agrees_with_f_conv1d(impl, cfg):
    """conv1d_output_length(L, k, s, p, d) equals the length of F.conv1d's output (keyword arguments)."""
    x, w, _bias = cfg.inputs()
    expected = F.conv1d(x, w, stride=cfg.s, padding=cfg.p, dilation=cfg.d).shape[-1]
    what = _length_call(cfg.L, cfg.K, cfg.s, cfg.p, cfg.d)
    value = calling_with(what, lambda: impl.conv1d_output_length(cfg.L, cfg.K, stride=cfg.s, padding=cfg.p,
                                                                 dilation=cfg.d),
                         {"unexpected keyword argument": _("name the arguments as the task (and nn.Conv1d) does: "
                                                           "conv1d_output_length(length, kernel_size, stride=1, "
                                                           "padding=0, dilation=1)")})
    check_python_int(value, expected, what)
    if value != expected:
        fail(_("{what} differs from the length of F.conv1d's output.").format(what=what), str(expected), str(value),
             length_hint(impl, (cfg.L, cfg.K, cfg.s, cfg.p, cfg.d), value) or LENGTH_FORMULA)


@pytest.mark.item("conv1d_output_length")
def test_conv1d_output_length_rejects_kernel_longer_than_input(impl):
    """conv1d_output_length raises ValueError when the kernel does not fit even once in the padded input."""
    for args in [(2, 5, 1, 0, 1), (4, 3, 1, 0, 3), (3, 6, 2, 1, 1), (0, 1, 1, 0, 1)]:
        L, K, s, p, d = args
        expect_value_error(lambda: impl.conv1d_output_length(*args), _length_call(*args),
                           _("the kernel spans dilation*(kernel_size-1)+1 = {span} steps but the padded input has "
                             "length + 2*padding = {padded}: raise ValueError when the formula gives less than 1")
                           .format(span=d * (K - 1) + 1, padded=L + 2 * p))


# -- Conv1d ----------------------------------------------------------------------------------

def reference_layer(cfg):
    seed_torch(cfg.seed)
    return nn.Conv1d(cfg.C_in, cfg.C_out, cfg.K, stride=cfg.s, padding=cfg.p, dilation=cfg.d, bias=cfg.bias).double()


def module_call(cfg):
    return (f"Conv1d({cfg.C_in}, {cfg.C_out}, {cfg.K}, stride={cfg.s}, padding={cfg.p}, dilation={cfg.d}, "
            f"bias={cfg.bias})")


CONV_LAYOUT = N_("register nn.Parameter attributes named as nn.Conv1d's: weight, then bias (None when bias=False)")
CONV_SHAPES = N_("weight is (out_channels, in_channels, kernel_size) and bias is (out_channels,), as in nn.Conv1d")


def make_module(impl, cfg, positional=False):
    """The student's Conv1d with the reference layer's parameters, in float64."""
    reference = reference_layer(cfg)
    if positional:
        module = calling_with(module_call(cfg), lambda: impl.Conv1d(cfg.C_in, cfg.C_out, cfg.K, cfg.s, cfg.p, cfg.d,
                                                                    cfg.bias), translated(MODULE_ERRORS))
    else:
        module = calling_with(module_call(cfg), lambda: impl.Conv1d(cfg.C_in, cfg.C_out, cfg.K, stride=cfg.s,
                                                                    padding=cfg.p, dilation=cfg.d, bias=cfg.bias),
                              translated(MODULE_ERRORS))
    check_state_dict_layout(module, reference, module_call(cfg), _(CONV_LAYOUT), _(CONV_SHAPES))
    module.load_state_dict(reference.state_dict())
    module.double()
    return module, reference


def module_probe_hint(impl):
    def run(cfg):
        module = impl.Conv1d(cfg.C_in, cfg.C_out, cfg.K, stride=cfg.s, padding=cfg.p, dilation=cfg.d, bias=True)
        x, w, b = cfg.inputs()
        module.load_state_dict({"weight": w, "bias": b})
        module.double()
        return module(x)
    return probe_hint(run, CONV_PROBES, lambda c: conv_variants(*c.inputs(), c.s, c.p, c.d),
                      lambda c: ref.conv1d(*c.inputs(), c.s, c.p, c.d))


def diagnose_module(impl, cfg, x, reference):
    """diagnose(actual): the mistake the output of the student's Conv1d shows (actual None: it raised)."""
    w = reference.weight.detach()
    b = None if reference.bias is None else reference.bias.detach()
    expected = ref.conv1d(x, w, b, cfg.s, cfg.p, cfg.d)
    variants = conv_variants(x, w, b, cfg.s, cfg.p, cfg.d)

    def diagnose(actual=None):
        hint = match_variant(actual, expected, variants)
        if hint:
            return hint
        mine = quietly(lambda: impl.conv1d(x, w, b, stride=cfg.s, padding=cfg.p, dilation=cfg.d))
        if same_values(actual, mine):
            inner = conv1d_probe_hint(impl)
            if inner:
                return _("Conv1d computes what your conv1d computes for its parameters, so the problem is in conv1d: "
                         "{hint}").format(hint=inner)
            return _("Conv1d computes what your conv1d computes for its parameters, so the problem is in conv1d")
        return module_probe_hint(impl)
    return diagnose


@pytest.mark.item("Conv1d", weight=3)
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3)))
def test_conv1d_layer_matches_nn_conv1d(impl, cfg):
    """Conv1d(in, out, k, stride=, padding=, dilation=, bias=) loads nn.Conv1d's state dict and computes the same."""
    module, reference = make_module(impl, cfg)
    x = random_tensor(cfg.seed + 5, cfg.B, cfg.C_in, cfg.L)
    with torch.no_grad():
        expected = reference(x)
    what = _("{call}(x of shape {shape})").format(call=module_call(cfg), shape=tuple(x.shape))
    diagnose = diagnose_module(impl, cfg, x, reference)
    check_output(calling(what, lambda: module(x), diagnose), expected, what, diagnose, lambda i: _where_conv(i, cfg))


@pytest.mark.item("Conv1d")
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3)))
def test_conv1d_layer_positional_arguments(impl, cfg):
    """Conv1d takes its arguments in nn.Conv1d's order (in, out, kernel_size, stride, padding, dilation, bias)."""
    module, reference = make_module(impl, cfg, positional=True)
    x = random_tensor(cfg.seed + 5, cfg.B, cfg.C_in, cfg.L)
    with torch.no_grad():
        expected = reference(x)
    call = f"Conv1d({cfg.C_in}, {cfg.C_out}, {cfg.K}, {cfg.s}, {cfg.p}, {cfg.d}, {cfg.bias})"
    what = _("{call}(x of shape {shape})").format(call=call, shape=tuple(x.shape))
    by_value = diagnose_module(impl, cfg, x, reference)

    def diagnose(actual=None):
        """Right with keyword arguments, wrong with positional ones: the order of the arguments."""
        with_keywords = quietly(lambda: make_module(impl, cfg)[0](x))
        return _(ARGUMENT_ORDER) if same_values(with_keywords, expected) else by_value(actual)
    check_output(calling(what, lambda: module(x), diagnose), expected, what, diagnose, lambda i: _where_conv(i, cfg))


@pytest.mark.item("Conv1d")
@given(convs())
def test_conv1d_layer_defaults(impl, cfg):
    """Conv1d(in, out, k) defaults to stride 1, padding 0, dilation 1 and a bias, like nn.Conv1d."""
    cfg = replace(cfg, bias=True)
    reference = reference_layer(cfg)
    module = impl.Conv1d(cfg.C_in, cfg.C_out, cfg.K)
    check_state_dict_layout(module, reference, f"Conv1d({cfg.C_in}, {cfg.C_out}, {cfg.K})", _(CONV_LAYOUT),
                            _(CONV_SHAPES))
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(cfg.seed + 5, cfg.B, cfg.C_in, cfg.L)
    with torch.no_grad():
        expected = reference(x)
    what = _("{call}(x of shape {shape})").format(call=f"Conv1d({cfg.C_in}, {cfg.C_out}, {cfg.K})",
                                                   shape=tuple(x.shape))
    diagnose = diagnose_module(impl, cfg, x, reference)
    check_output(calling(what, lambda: module(x), diagnose), expected, what, diagnose, lambda i: _where_conv(i, cfg))


@pytest.mark.item("Conv1d", weight=2)
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3)))
def test_conv1d_layer_gradients(impl, cfg):
    """Conv1d's weight and bias are trainable (nn.Parameters) and gradients reach its input."""
    module, reference = make_module(impl, cfg)
    x = random_tensor(cfg.seed + 5, cfg.B, cfg.C_in, cfg.L)
    grad_output = random_tensor(cfg.seed + 6, cfg.B, cfg.C_out, cfg.out_length)
    got = calling(module_call(cfg), lambda: impl.call_with_grad(module, x, grad_output=grad_output),
                  diagnose_module(impl, cfg, x, reference))
    leaf = x.clone().requires_grad_()
    reference(leaf).backward(grad_output)
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of {call} received a gradient.").format(call=module_call(cfg)), sorted(expected),
             sorted(got.param_grads), _("store weight and bias as nn.Parameter and compute forward from them with "
                                        "torch operations (no copies, .detach() or numpy)"))
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad,
                     _("the gradient of {call}.{name}").format(call=module_call(cfg), name=name))
    check_grads(got.input_grads[:1], ["x"], [leaf], module_call(cfg))


@pytest.mark.item("Conv1d")
@given(convs(stride=(1, 3), padding=(0, 2), dilation=(1, 3)))
def test_conv1d_layer_float32(impl, cfg):
    """Conv1d works in float32, PyTorch's default dtype: it loads a float32 nn.Conv1d and returns float32."""
    seed_torch(cfg.seed)
    reference = nn.Conv1d(cfg.C_in, cfg.C_out, cfg.K, stride=cfg.s, padding=cfg.p, dilation=cfg.d, bias=cfg.bias)
    module = impl.Conv1d(cfg.C_in, cfg.C_out, cfg.K, stride=cfg.s, padding=cfg.p, dilation=cfg.d, bias=cfg.bias)
    check_state_dict_layout(module, reference, module_call(cfg), _(CONV_LAYOUT), _(CONV_SHAPES))
    module.load_state_dict(reference.state_dict())
    x = random_tensor(cfg.seed + 5, cfg.B, cfg.C_in, cfg.L).float()
    with torch.no_grad():
        expected = reference(x)
    what = _("{call}(x of shape {shape}) in float32").format(call=module_call(cfg), shape=tuple(x.shape))
    hint = _("a float32 layer computes in float32: create the parameters in PyTorch's default dtype (no "
             "dtype=torch.float64), and build any extra tensor with the input's dtype")
    actual = calling(what, lambda: module(x), lambda: hint)
    check_output(actual, expected, what, None, lambda i: _where_conv(i, cfg), atol=1e-4, rtol=1e-4)
    check_dtype(actual, torch.float32, what, hint)


@pytest.mark.item("Conv1d")
def test_conv1d_layer_initialised_like_nn_conv1d(impl):
    """A new Conv1d draws weight and bias uniformly from [-1/sqrt(in_channels*kernel_size), +1/sqrt(...)]."""
    C_in, C_out, K = 8, 256, 5
    what = f"Conv1d({C_in}, {C_out}, {K})"
    state = check_state_dict_layout(impl.Conv1d(C_in, C_out, K), nn.Conv1d(C_in, C_out, K), what, _(CONV_LAYOUT),
                                    _(CONV_SHAPES))
    bound = 1 / math.sqrt(C_in * K)
    hint = _("initialise like nn.Conv1d: nn.init.kaiming_uniform_(weight, a=math.sqrt(5)) and bias uniform in "
             "[-bound, bound] with bound = 1/sqrt(in_channels*kernel_size)")
    for name in ("weight", "bias"):
        values = state[name].detach().to(F64).flatten()
        low, high, std = float(values.min()), float(values.max()), float(values.std())
        # U(-bound, bound) has standard deviation bound/sqrt(3); the sample's is within 5% of it at these sizes
        if low < -bound * (1 + 1e-6) or high > bound * (1 + 1e-6) or abs(std / (bound / math.sqrt(3)) - 1) > 0.2:
            fail(_("{what}.{name} is not drawn uniformly from [-{bound:.4g}, {bound:.4g}] ({count} values).")
                 .format(what=what, name=name, bound=bound, count=values.numel()),
                 _("values in [-{bound:.4g}, {bound:.4g}], standard deviation about {std:.4g}")
                 .format(bound=bound, std=bound / math.sqrt(3)),
                 _("values in [{low:.4g}, {high:.4g}], standard deviation {std:.4g}").format(low=low, high=high,
                                                                                          std=std), hint)


# -- receptive_field -------------------------------------------------------------------------

def rf(kernel_sizes, dilations=None, strides=None):
    return ref.receptive_field(kernel_sizes, dilations, strides)


RF_PROBES = [  # (args, {wrong value: hint})
    (([3],), {2: N_("count the output's own step: one layer with kernel_size k sees k input steps (start from 1)"),
              4: N_("one layer with kernel_size k sees exactly k input steps")}),
    (([3, 3],), {6: N_("stacked layers overlap: each layer adds (kernel_size - 1) * dilation steps, not kernel_size"),
                 9: N_("layers add to the receptive field, they do not multiply it: + (kernel_size - 1) per layer")}),
    (([2, 2, 2], [1, 2, 4]), {4: N_("include the dilations: a layer adds (kernel_size - 1) * dilation steps"),
                              15: N_("a layer adds (kernel_size - 1) * dilation steps, not kernel_size * dilation")}),
    (([3, 3, 3], None, [2, 3, 1]), {
        7: N_("include the strides: each layer's (kernel_size - 1) * dilation is multiplied by the product of the "
              "strides of all EARLIER layers"),
        29: N_("a layer's own stride does not widen its own window: multiply only by the strides of the layers "
               "before it (prod over m < l)"),
        11: N_("multiply by the strides of the EARLIER layers (closer to the input), not the later ones"),
        17: N_("multiply the earlier strides together (a product), do not add them")}),
]


def rf_hint(impl):
    for args, wrong in RF_PROBES:
        got = quietly(lambda: impl.receptive_field(*args))
        if got in wrong and got != rf(*args):
            return _(wrong[got])
    return None


def _rf_call(kernel_sizes, dilations, strides):
    return f"receptive_field({kernel_sizes!r}, dilations={dilations!r}, strides={strides!r})"


RF_ERRORS = {"NoneType": NONE_MEANS_ONES, "can only concatenate": SEQUENCES,  # translated where used
             "unexpected keyword argument": N_("name the arguments as the task does: receptive_field(kernel_sizes, "
                                               "dilations=None, strides=None)")}


def check_rf(impl, kernel_sizes, dilations, strides, keywords=True):
    what = _rf_call(kernel_sizes, dilations, strides)
    if keywords:
        value = calling_with(what, lambda: impl.receptive_field(kernel_sizes, dilations=dilations, strides=strides),
                             translated(RF_ERRORS))
    else:
        value = calling_with(what, lambda: impl.receptive_field(kernel_sizes, dilations, strides),
                             translated(RF_ERRORS))
    expected = rf(kernel_sizes, dilations, strides)
    check_python_int(value, expected, what)
    if value != expected:
        fail(_("{what} is wrong.").format(what=what), str(expected), str(value),
             rf_hint(impl) or _("1 + sum over layers l of (k_l - 1) * d_l * (product of the strides of layers m < l)"))


@pytest.mark.item("receptive_field")
def test_receptive_field_wavenet(impl):
    """A WaveNet block (kernel 2, dilations 1, 2, ..., 512) sees 1024 steps; a Python int."""
    check_rf(impl, [2] * 10, [2 ** i for i in range(10)], None)


@st.composite
def stacks(draw):
    layers = draw(st.integers(1, 5))
    ints = st.lists(st.integers(1, 5), min_size=layers, max_size=layers)
    kind = draw(st.sampled_from([list, tuple]))
    kernel_sizes = kind(draw(ints))
    dilations = draw(st.one_of(st.none(), ints.map(kind)))
    strides = draw(st.one_of(st.none(), ints.map(kind)))
    return kernel_sizes, dilations, strides


@pytest.mark.item("receptive_field", weight=3)
@given(stacks())
def test_receptive_field_random_stacks(impl, stack):
    """receptive_field is 1 + sum_l (k_l - 1) d_l prod_{m<l} s_m for random stacks (None means all ones)."""
    check_rf(impl, *stack, keywords=False)


@pytest.mark.item("receptive_field")
@given(stacks())
def test_receptive_field_measured(impl, stack):
    """receptive_field equals the span of inputs that one output of a stack of convolutions depends on."""
    kernel_sizes, dilations, strides = stack
    dilations = dilations or [1] * len(kernel_sizes)
    strides = strides or [1] * len(kernel_sizes)
    expected = rf(kernel_sizes, dilations, strides)
    x = torch.zeros(1, 1, expected, dtype=F64, requires_grad=True)
    h = x
    for k, d, s in zip(kernel_sizes, dilations, strides):
        h = F.conv1d(h, torch.ones(1, 1, k, dtype=F64), stride=s, dilation=d)
    (grad,) = torch.autograd.grad(h[0, 0, 0], x)
    support = grad[0, 0].nonzero().flatten()
    assert int(support[-1] - support[0]) + 1 == expected  # the oracle itself: a measured span
    check_rf(impl, kernel_sizes, dilations, strides)


@pytest.mark.item("receptive_field")
def test_receptive_field_rejects_mismatched_lengths(impl):
    """receptive_field raises ValueError when dilations or strides do not have one entry per layer."""
    for args in [([3, 3], [1], None), ([3], None, [1, 2]), ([2, 2, 2], [1, 2], [1, 1, 1])]:
        expect_value_error(lambda: impl.receptive_field(*args), _rf_call(*args),
                           _("compare len(dilations) and len(strides) with len(kernel_sizes) and raise ValueError: "
                             "zip() would silently drop the extra layers"))


# -- causal_conv1d ---------------------------------------------------------------------------

@st.composite
def causal_convs(draw, dilation=(1, 4), bias=None):
    cfg = draw(convs(dilation=dilation, kernel=(1, 4), bias=bias))
    return replace(cfg, L=draw(st.integers(1, 12)))


def causal_call(cfg):
    return _("causal_conv1d(x of shape {x_shape}, weight of shape {weight_shape}, {bias}, dilation={dilation})").format(
        x_shape=(cfg.B, cfg.C_in, cfg.L), weight_shape=(cfg.C_out, cfg.C_in, cfg.K),
        bias="bias" if cfg.bias else "bias=None", dilation=cfg.d)


def diagnose_causal(impl, x, w, b, d):
    expected = ref.causal_conv1d(x, w, b, d)
    variants = causal_variants(x, w, b, d)

    def run(cfg):
        xx, ww, bb = cfg.inputs()
        return impl.causal_conv1d(xx, ww, bb, dilation=cfg.d)

    def diagnose(actual=None):
        hint = match_variant(actual, expected, variants)
        if hint:
            return hint
        left = d * (w.shape[2] - 1)
        mine = quietly(lambda: impl.conv1d(F.pad(x, (left, 0)), w, b, dilation=d))
        if same_values(actual, mine):
            inner = conv1d_probe_hint(impl)
            if inner:
                return _("causal_conv1d equals your conv1d of the left-padded input, so the problem is in conv1d: "
                         "{hint}").format(hint=inner)
            return _("causal_conv1d equals your conv1d of the left-padded input, so the problem is in conv1d")
        return probe_hint(run, CAUSAL_PROBES, lambda c: causal_variants(*c.inputs(), c.d),
                          lambda c: ref.causal_conv1d(*c.inputs(), c.d))
    return diagnose


@pytest.mark.item("causal_conv1d")
def test_causal_conv1d_lecture_example(impl):
    """causal_conv1d([1, 3, 3, 0, 1, 2], kernel [2, 0, 1]) is [1, 3, 5, 6, 7, 2]: two zeros padded on the left."""
    x, w = _lecture_tensors()
    expected = torch.tensor([[LECTURE_CAUSAL_OUT]], dtype=F64)
    what = "causal_conv1d(x=[[[1, 3, 3, 0, 1, 2]]], weight=[[[2, 0, 1]]])"
    diagnose = diagnose_causal(impl, x, w, None, 1)
    check_output(calling(what, lambda: impl.causal_conv1d(x, w), diagnose), expected, what, diagnose,
                 lambda i: _where_causal(i, Conv(B=1, C_in=1, C_out=1, L=6)))


@pytest.mark.item("causal_conv1d", weight=3)
@given(causal_convs())
def test_causal_conv1d_matches_left_padded_conv(impl, cfg):
    """causal_conv1d equals F.conv1d of x left-padded with dilation*(K-1) zeros: same length as the input."""
    x, w, b = cfg.inputs()
    what = causal_call(cfg)
    diagnose = diagnose_causal(impl, x, w, b, cfg.d)
    actual = calling(what, lambda: impl.causal_conv1d(x, w, b, dilation=cfg.d), diagnose)
    check_output(actual, ref.causal_conv1d(x, w, b, cfg.d), what, diagnose, lambda i: _where_causal(i, cfg))


@pytest.mark.item("causal_conv1d")
@given(causal_convs(), st.data())
def test_causal_conv1d_never_looks_ahead(impl, cfg, data):
    """Changing inputs after step t never changes causal_conv1d's outputs at steps <= t."""
    x, w, b = cfg.inputs()
    t = data.draw(st.integers(0, cfg.L - 1), label="t")
    changed = x.clone()
    changed[..., t + 1:] = random_tensor(cfg.seed + 9, cfg.B, cfg.C_in, cfg.L - t - 1, scale=3.0)
    expected = ref.causal_conv1d(x, w, b, cfg.d)
    what = causal_call(cfg)
    diagnose = diagnose_causal(impl, x, w, b, cfg.d)
    before = calling(what, lambda: impl.causal_conv1d(x, w, b, dilation=cfg.d), diagnose)
    after = calling(what, lambda: impl.causal_conv1d(changed, w, b, dilation=cfg.d), diagnose)
    for out in (before, after):
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(expected.shape):
            check_output(out, expected, what, diagnose)
    moved = (before[..., : t + 1].detach().to(F64) - after[..., : t + 1].detach().to(F64)).abs()
    if moved.numel() and moved.max() > 1e-9:
        first = int(moved.amax(dim=(0, 1)).gt(1e-9).nonzero()[0])
        fail(_("{what} looks ahead: output step {first} changed when only the inputs after step {t} changed.")
             .format(what=what, first=first, t=t),
             _("outputs at steps 0..{t} unchanged").format(t=t),
             _("output step {first} changed by {change:.3g}").format(first=first, change=float(moved.max())),
             quietly(lambda: diagnose(before)) or _(CAUSAL_BOTH))


@pytest.mark.item("causal_conv1d")
@given(causal_convs(dilation=(1, 4), bias=False))
def test_causal_conv1d_ends_at_step_t(impl, cfg):
    """Output t ends at input t: with only the last tap set, causal_conv1d returns its input."""
    x, w, _bias = cfg.inputs()
    w = torch.zeros_like(w)
    w[:, 0, -1] = 1.0  # every output channel copies input channel 0 at its last tap
    expected = x[:, :1].expand(cfg.B, cfg.C_out, cfg.L)
    what = _("{call} with weight[:, 0, -1] = 1 and every other tap 0").format(call=causal_call(cfg))
    diagnose = diagnose_causal(impl, x, w, None, cfg.d)
    check_output(calling(what, lambda: impl.causal_conv1d(x, w, None, dilation=cfg.d), diagnose), expected, what,
                 diagnose, lambda i: _where_causal(i, cfg))


@pytest.mark.item("causal_conv1d", weight=2)
@given(causal_convs(bias=True))
def test_causal_conv1d_gradients(impl, cfg):
    """Gradients flow through causal_conv1d to the input, the weight and the bias."""
    x, w, b = cfg.inputs()
    grad_output = random_tensor(cfg.seed + 3, cfg.B, cfg.C_out, cfg.L)
    diagnose = diagnose_causal(impl, x, w, b, cfg.d)
    got = calling(causal_call(cfg), lambda: impl.call_with_grad(impl.causal_conv1d, x, w, b, cfg.d,
                                                                grad_output=grad_output), diagnose)
    leaves = [t.clone().requires_grad_() for t in (x, w, b)]
    expected = ref.causal_conv1d(*leaves, cfg.d)
    check_output(got.output, expected.detach(), causal_call(cfg), diagnose)
    expected.backward(grad_output)
    check_grads(got.input_grads[:3], ["x", "weight", "bias"], leaves, causal_call(cfg))


@pytest.mark.item("causal_conv1d")
@given(causal_convs())
def test_causal_conv1d_float32(impl, cfg):
    """causal_conv1d works for float32 tensors."""
    what = _("{call} with float32 tensors").format(call=causal_call(cfg))
    x, w, b = cfg.inputs()
    diagnose = diagnose_causal(impl, x, w, b, cfg.d)
    x32, w32, b32 = cfg.inputs(torch.float32)
    actual = calling(what, lambda: impl.causal_conv1d(x32, w32, b32, dilation=cfg.d), diagnose)
    check_output(actual, ref.causal_conv1d(x, w, b, cfg.d), what, diagnose, lambda i: _where_causal(i, cfg),
                 atol=1e-4, rtol=1e-4)
    check_dtype(actual, torch.float32, what)


# -- the promises of each item, the check that holds it to each, and a sample that breaks only it ------------

CLAUSES = [
    Clause("conv1d", "does not use the forbidden built-ins F.conv*, torch.conv*, nn.Conv*, torch.convolution",
           "test_conv1d_lecture_example", "conv1d_calls_torch_conv1d"),
    Clause("conv1d", "cross-correlation, no kernel flip: the lecture's [5, 6, 7, 2]", "test_conv1d_lecture_example",
           "conv1d_flips_kernel"),
    Clause("conv1d", "bias may be None (the default)", "test_conv1d_lecture_example", "conv1d_bias_required"),
    Clause("conv1d", "weight (C_out, C_in, K): sums over the input channels", "test_conv1d_random_shapes",
           "conv1d_weight_as_in_out"),
    Clause("conv1d", "bias (C_out,): bias[o] added to every step of output channel o", "test_conv1d_random_shapes",
           "conv1d_bias_along_time"),
    Clause("conv1d", "stride: window t starts at t*stride", "test_conv1d_stride", "conv1d_ignores_stride"),
    Clause("conv1d", "padding: zeros at both ends", "test_conv1d_padding", "conv1d_pads_left_only"),
    Clause("conv1d", "dilation spaces the kernel's taps", "test_conv1d_dilation", "conv1d_contiguous_taps"),
    Clause("conv1d", "float32 and float64: the output has x's dtype", "test_conv1d_float32",
           "conv1d_float64_accumulator"),
    Clause("conv1d", "gradients reach x, weight and bias", "test_conv1d_gradients", "conv1d_result_through_item"),
    Clause("conv1d", "ValueError when x or weight is not 3-D or the channels differ", "test_conv1d_rejects_bad_shapes",
           "conv1d_no_shape_checks"),

    Clause("conv1d_output_length", "returns a Python int", "test_conv1d_output_length_returns_python_int",
           "output_length_true_division"),
    Clause("conv1d_output_length", "floor((L + 2p - d(k-1) - 1)/s) + 1: the dilated kernel's span",
           "test_conv1d_output_length_formula", "output_length_ignores_dilation"),
    Clause("conv1d_output_length", "rounds down: a window that does not fit is dropped",
           "test_conv1d_output_length_formula", "output_length_rounds_up"),
    Clause("conv1d_output_length", "keyword arguments stride=, padding=, dilation=",
           "test_conv1d_output_length_agrees_with_f_conv1d", "output_length_short_argument_names"),
    Clause("conv1d_output_length", "ValueError when the kernel does not fit even once",
           "test_conv1d_output_length_rejects_kernel_longer_than_input", "output_length_no_fit_check"),

    Clause("Conv1d", "does not use the forbidden built-ins nn.Conv*, F.conv*, torch.conv* (nor subclass them)",
           "test_conv1d_layer_matches_nn_conv1d", "subclasses_nn_conv1d"),
    Clause("Conv1d", "state-dict compatible with nn.Conv1d: weight (C_out, C_in, K), bias (C_out,)",
           "test_conv1d_layer_matches_nn_conv1d", "layer_weight_in_out"),
    Clause("Conv1d", "bias=False registers no bias", "test_conv1d_layer_matches_nn_conv1d", "layer_always_has_bias"),
    Clause("Conv1d", "computes nn.Conv1d's output with its stride, padding and dilation",
           "test_conv1d_layer_matches_nn_conv1d", "layer_forgets_padding"),
    Clause("Conv1d", "arguments in nn.Conv1d's order", "test_conv1d_layer_positional_arguments",
           "layer_arguments_reordered"),
    Clause("Conv1d", "defaults: stride 1, padding 0, dilation 1, bias=True", "test_conv1d_layer_defaults",
           "layer_no_bias_by_default"),
    Clause("Conv1d", "weight and bias are trainable: gradients reach them", "test_conv1d_layer_gradients",
           "layer_uses_weight_data"),
    Clause("Conv1d", "float32 and float64", "test_conv1d_layer_float32", "layer_float64_parameters"),
    Clause("Conv1d", "initialised like nn.Conv1d: uniform in +-1/sqrt(C_in*K)",
           "test_conv1d_layer_initialised_like_nn_conv1d", "layer_randn_init"),

    Clause("receptive_field", "returns a Python int", "test_receptive_field_wavenet", "receptive_field_numpy_prod"),
    Clause("receptive_field", "a layer adds (k - 1) * dilation", "test_receptive_field_wavenet",
           "receptive_field_ignores_dilations"),
    Clause("receptive_field", "None means all ones", "test_receptive_field_wavenet",
           "receptive_field_strides_none_fails"),
    Clause("receptive_field", "times the product of the strides of the earlier layers",
           "test_receptive_field_random_stacks", "receptive_field_ignores_strides"),
    Clause("receptive_field", "a layer's own stride does not widen its window", "test_receptive_field_random_stacks",
           "receptive_field_own_stride"),
    Clause("receptive_field", "lists or tuples", "test_receptive_field_random_stacks", "receptive_field_list_only"),
    Clause("receptive_field", "ValueError when the lists have different lengths",
           "test_receptive_field_rejects_mismatched_lengths", "receptive_field_zip_truncates"),

    Clause("causal_conv1d", "does not use the forbidden built-ins F.conv*, torch.conv*, nn.Conv*, torch.convolution",
           "test_causal_conv1d_lecture_example", "causal_uses_f_conv1d"),
    Clause("causal_conv1d", "output t depends only on inputs <= t: zeros on the left only",
           "test_causal_conv1d_lecture_example", "causal_padding_both_sides"),
    Clause("causal_conv1d", "output length equals input length", "test_causal_conv1d_lecture_example",
           "causal_no_padding"),
    Clause("causal_conv1d", "left padding dilation*(K-1)", "test_causal_conv1d_matches_left_padded_conv",
           "causal_padding_ignores_dilation"),
    Clause("causal_conv1d", "bias (C_out,) or None", "test_causal_conv1d_matches_left_padded_conv",
           "causal_drops_bias"),
    Clause("causal_conv1d", "gradients reach x, weight and bias", "test_causal_conv1d_gradients",
           "causal_pads_under_no_grad"),
    Clause("causal_conv1d", "float32 and float64", "test_causal_conv1d_float32", "causal_float64_padding"),
]
