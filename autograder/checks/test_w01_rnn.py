"""Hidden checks of week 1: vanilla RNN and backpropagation through time."""
import functools
import math
import warnings
from typing import Optional

import pytest
import torch
import torch.nn as nn
from hypothesis import example, given
from hypothesis import strategies as st

import solutions.w01_rnn as ref
from autograder.checks.clauses import Clause
from autograder.messages import N_, _
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import (calling, expect_value_error, F64, assert_close, assert_close_explained, assert_number_close,
                                       assert_tensor, batches, check_state_dict_layout, describe, fail, lengths,
                                       quietly, random_tensor, same_values, seeds, sizes, tensors, wrong_dependency)

WEEK = "w01_rnn"
_RNN = ["torch.nn.RNN*", "torch.rnn_tanh*"]
FORBIDDEN = {
    "rnn_cell": _RNN, "RNNCell": _RNN, "rnn_forward": _RNN, "hidden_grad_norms": _RNN,
    "clip_grad_norm": ["torch.nn.utils.clip_grad*", "torch.nn.utils.get_total_norm"],
}
# Each item is graded on its own: while RNNCell is checked, rnn_cell is the reference's (see checks/conftest.py).
BUILDS_ON = {"RNNCell": ["rnn_cell"]}


@st.composite
def cell_inputs(draw):
    """x: (B, I), h: (B, H) and the four parameters of an RNN cell, all float64."""
    B, I, H = draw(batches), draw(sizes), draw(sizes)
    return (draw(tensors(B, I)), draw(tensors(B, H)), draw(tensors(H, I, low=-1, high=1)),
            draw(tensors(H, H, low=-1, high=1)), draw(tensors(H, low=-1, high=1)), draw(tensors(H, low=-1, high=1)))


# (batch, input_size, hidden_size) of the explicit examples: a batch of 1, and sizes that tell the dimensions apart
CELL_SHAPES = [(1, 3, 2), (4, 2, 5), (3, 3, 3), (2, 1, 1)]


def cell_args(B, I, H, seed, dtype=F64):
    """(x, h, weight_ih, weight_hh, bias_ih, bias_hh) of an RNN cell with generic values, from a seed."""
    args = (random_tensor(seed, B, I), random_tensor(seed + 1, B, H), random_tensor(seed + 2, H, I, scale=0.5),
            random_tensor(seed + 3, H, H, scale=0.5), random_tensor(seed + 4, H, scale=0.5),
            random_tensor(seed + 5, H, scale=0.5))
    return tuple(a.to(dtype) for a in args)


def rnn_cell_mistakes(x, h, w_ih, w_hh, b_ih, b_hh):
    pre = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    return {
        _("use tanh, not sigmoid, for the new hidden state"): torch.sigmoid(pre),
        _("the activation is missing: apply tanh to the pre-activation"): pre,
        _("include the previous hidden state: + h @ weight_hh.T"): torch.tanh(x @ w_ih.T + b_ih + b_hh),
        _("both biases are added: + bias_ih + bias_hh"): torch.tanh(pre - b_hh),
        _("add bias_ih too, not only bias_hh"): torch.tanh(pre - b_ih),
        _("weights are stored (out_features, in_features): use h @ weight_hh.T"):
            torch.tanh(pre - h @ w_hh.T + h @ w_hh),
    }


def reference_cell(input_size, hidden_size, seed, bias=True, kind=nn.RNNCell):
    seed_torch(seed)
    return kind(input_size, hidden_size, bias=bias).double()


class _PlainCell(nn.Module):
    """A grader-made cell that is nothing but a callable ``cell(x, h) -> h_new`` treating h=None as zeros: no
    hidden_size, no weight_hh for the student's code to read. TorchScript, so it reaches the sandbox without any of
    the grader's Python code."""

    def __init__(self, input_size: int, hidden_size: int, seed: int):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.a = nn.Parameter(torch.randn(hidden_size, input_size, generator=gen, dtype=torch.float64) * 0.7)
        self.b = nn.Parameter(torch.randn(hidden_size, hidden_size, generator=gen, dtype=torch.float64) * 0.7)

    def forward(self, x: torch.Tensor, h: Optional[torch.Tensor] = None) -> torch.Tensor:
        pre = x @ self.a.T
        if h is not None:
            pre = pre + h @ self.b.T
        return torch.tanh(pre)


@functools.lru_cache(maxsize=None)
def plain_cell(input_size, hidden_size, seed):
    # torch 2.13 deprecates TorchScript; scripting still works, and a scripted module reaches the sandbox without
    # any of the grader's Python code
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.script(_PlainCell(input_size, hidden_size, seed))


# -- calls into student code ------------------------------------------------------------------

# -- rnn_cell --------------------------------------------------------------------------------

NO_BIAS = N_("bias_ih and bias_hh may be None (a cell without biases): add each bias only when it is not None")


@pytest.mark.item("rnn_cell")
def test_rnn_cell_returns_batch_by_hidden(impl):
    """rnn_cell returns a (batch, hidden_size) tensor, for every batch size (1 too)."""
    for B, I, H in CELL_SHAPES:
        what = _("rnn_cell(x of shape {x_shape}, h of shape {h_shape}, ...)").format(x_shape=(B, I), h_shape=(B, H))
        out = impl.rnn_cell(*cell_args(B, I, H, seed=B + I + H))
        assert_tensor(out, what)
        shape = tuple(out.shape)
        if shape != (B, H):
            hint = _("the result is (batch, hidden_size), one row per example of the batch")
            if shape == (H, B):
                hint = _("the result is (batch, hidden_size): compute x @ weight_ih.T, not weight_ih @ x.T")
            elif len(shape) < 2:
                hint = _("a batch of 1 (or a hidden size of 1) is still 2-D: keep both dimensions (no .squeeze())")
            fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=(B, H)),
                 _("shape {shape}").format(shape=shape), hint)


@pytest.mark.item("rnn_cell", weight=3)
@given(cell_inputs())
def test_rnn_cell_matches_reference(impl, args):
    """rnn_cell computes tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    out = impl.rnn_cell(*args)
    assert_close(out, ref.rnn_cell(*args), "rnn_cell(x, h, ...)", mistakes=rnn_cell_mistakes(*args))


@pytest.mark.item("rnn_cell")
def test_rnn_cell_without_biases(impl):
    """rnn_cell accepts bias_ih = bias_hh = None (a cell without biases)."""
    for B, I, H in CELL_SHAPES:
        args = cell_args(B, I, H, seed=10 * B + I)[:4] + (None, None)
        what = _("rnn_cell(x, h, weight_ih, weight_hh, None, None) with batch {batch}").format(batch=B)
        out = calling(what, lambda: impl.rnn_cell(*args), _(NO_BIAS))
        assert_close(out, ref.rnn_cell(*args), what)


@pytest.mark.item("rnn_cell")
def test_rnn_cell_float32_and_float64(impl):
    """rnn_cell works for float32 and float64 inputs and returns their dtype."""
    for dtype, tolerance in ((torch.float32, 1e-4), (torch.float64, 1e-6)):
        for B, I, H in CELL_SHAPES[:2]:
            args = cell_args(B, I, H, seed=B * I * H, dtype=dtype)
            what = _("rnn_cell with {dtype} inputs").format(dtype=str(dtype).removeprefix("torch."))
            out = impl.rnn_cell(*args)
            assert_tensor(out, what, (B, H))
            if out.dtype != dtype:
                fail(_("{what} returns the wrong dtype.").format(what=what), str(dtype).removeprefix("torch."),
                     str(out.dtype).removeprefix("torch."),
                     _("compute in the inputs' dtype: do not convert them (or convert the result back to x.dtype)"))
            assert_close(out, ref.rnn_cell(*[a.double() for a in args]), what, atol=tolerance, rtol=tolerance)


@pytest.mark.item("rnn_cell", weight=2)
@given(cell_inputs())
def test_rnn_cell_gradients(impl, args):
    """Gradients flow through rnn_cell to its input, state and parameters."""
    grad_output = torch.ones(args[1].shape, dtype=F64)
    got = impl.call_with_grad(impl.rnn_cell, *args, grad_output=grad_output)
    leaves = [a.clone().requires_grad_() for a in args]
    ref.rnn_cell(*leaves).backward(grad_output)
    names = ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, leaf, grad in zip(names, leaves, got.input_grads):
        if grad is None:
            fail(_("No gradient reached {name}.").format(name=name), _("a gradient"), "None",
                 _("build the result from torch operations on the inputs (no .detach(), .item(), numpy or "
                   "torch.no_grad)"))
        assert_close(grad, leaf.grad, _("the gradient with respect to {name}").format(name=name))


@pytest.mark.item("rnn_cell")
def test_rnn_cell_rejects_inputs_that_are_not_2d(impl):
    """rnn_cell raises ValueError when x or h is not 2-D."""
    x, h, *params = cell_args(4, 2, 3, seed=7)
    for name, shape, bad_x, bad_h in (("x", (2,), x[0], h), ("h", (3,), x, h[0]),
                                      ("x", (1, 4, 2), x[None], h), ("h", (1, 4, 3), x, h[None])):
        expect_value_error(lambda: impl.rnn_cell(bad_x, bad_h, *params),
                           _("rnn_cell with {name} of shape {shape}").format(name=name, shape=shape),
                           _("the task asks for it: check x.dim() and h.dim() first and raise ValueError(...)"))


# -- RNNCell ---------------------------------------------------------------------------------

ZERO_STATE = N_("h=None means a zero state: start from zeros of x's dtype, e.g. "
                "h = x.new_zeros(x.shape[0], hidden_size)")


@pytest.mark.item("RNNCell", weight=3)
@given(I=sizes, H=sizes, B=batches, bias=st.booleans(), h_kind=st.sampled_from(["given", "None", "omitted"]),
       seed=seeds())
@example(I=2, H=3, B=1, bias=False, h_kind="None", seed=0)
@example(I=3, H=2, B=2, bias=True, h_kind="given", seed=1)
def test_rnncell_matches_nn_rnncell(impl, I, H, B, bias, h_kind, seed):
    """RNNCell(I, H, bias) is state-dict compatible with nn.RNNCell and computes the same (h=None: zeros)."""
    reference = reference_cell(I, H, seed, bias=bias)
    module = impl.RNNCell(I, H, bias=bias)
    check_state_dict_layout(module, reference, f"RNNCell({I}, {H}, bias={bias})")
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(seed, B, I)
    h = random_tensor(seed + 1, B, H) if h_kind == "given" else None
    expected = reference(x, h)
    call = {"given": "x, h", "None": "x, None", "omitted": "x"}[h_kind]
    what = f"RNNCell({I}, {H}, bias={bias})({call})"

    def error_hint():
        if not bias and quietly(lambda: impl.rnn_cell(x, torch.zeros(B, H, dtype=F64), reference.weight_ih.detach(),
                                                      reference.weight_hh.detach(), None, None)) is None:
            return _("RNNCell(bias=False) hands None biases to your rnn_cell, which fails on them: fix rnn_cell "
                     "first (its own check says how)")
        return None if h_kind == "given" else _(ZERO_STATE)

    out = calling(what, lambda: module(x) if h_kind == "omitted" else module(x, h), error_hint)

    def mistakes():
        params = [None if p is None else p.detach()
                  for p in (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)]
        h_used = h if h is not None else torch.zeros(B, H, dtype=F64)
        wrong = wrong_dependency("RNNCell", "rnn_cell", quietly(lambda: impl.rnn_cell(x, h_used, *params)), expected)
        if h is not None:
            wrong[_("start from the given h (zeros only when h is None)")] = reference(x)
        return wrong

    assert_close_explained(out, expected, what, mistakes)


@pytest.mark.item("RNNCell")
def test_rnncell_float32(impl):
    """RNNCell works in float32, PyTorch's default dtype, and returns float32."""
    for I, H, B, with_h, seed in ((3, 4, 2, False, 0), (2, 2, 1, True, 1)):
        seed_torch(seed)
        reference = nn.RNNCell(I, H)
        module = impl.RNNCell(I, H)
        module.load_state_dict(reference.state_dict())
        x = random_tensor(seed, B, I).float()
        h = random_tensor(seed + 1, B, H).float() if with_h else None
        what = (_("RNNCell({input_size}, {hidden_size}) in float32, h given") if with_h
                else _("RNNCell({input_size}, {hidden_size}) in float32, h None")).format(input_size=I, hidden_size=H)
        out = calling(what, lambda: module(x, h), None if with_h else _(ZERO_STATE))
        assert_tensor(out, what, (B, H))
        if out.dtype != torch.float32:
            fail(_("{what} returns the wrong dtype.").format(what=what), "float32",
                 str(out.dtype).removeprefix("torch."),
                 _("compute in the dtype of x and of the parameters: do not convert to float64"))
        assert_close(out, reference(x, h), what, atol=1e-5, rtol=1e-4)


@pytest.mark.item("RNNCell")
@given(sizes, sizes, batches, seeds())
def test_rnncell_parameters_are_trainable(impl, I, H, B, seed):
    """RNNCell's parameters receive gradients (they are nn.Parameters)."""
    reference = reference_cell(I, H, seed)
    module = impl.RNNCell(I, H)
    module.load_state_dict(reference.state_dict())
    module.double()
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    got = impl.call_with_grad(module, x, h, grad_output=torch.ones(B, H, dtype=F64))
    reference(x, h).sum().backward()
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of RNNCell received a gradient."), sorted(expected), sorted(got.param_grads),
             _("store weights as nn.Parameter and use them (not copies) in forward"))
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, _("the gradient of RNNCell.{name}").format(name=name))


# -- rnn_forward -----------------------------------------------------------------------------

ANY_CELL = N_("the cell is any callable cell(x, h) -> h_new: pass h0 to the first step as it is (None too, the "
              "cell treats it as zeros) and do not read the cell's attributes (hidden_size, weights)")


def check_rnn_forward_result(result, what, T, B, H):
    """(outputs, h_n) with the contract's shapes."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(_("{what} should return a pair (outputs, h_n).").format(what=what), _("a tuple of 2 tensors"),
             describe(result))
    outputs, h_n = result
    assert_tensor(outputs, _("outputs of {what}").format(what=what))
    if tuple(outputs.shape) != (T, B, H):
        fail(_("outputs of {what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=(T, B, H)),
             _("shape {shape}").format(shape=tuple(outputs.shape)),
             _("outputs is (seq_len, batch, hidden_size): the states of all steps, stacked along dim 0 (time first)"))
    assert_tensor(h_n, _("h_n of {what}").format(what=what), (B, H))
    return outputs, h_n


@pytest.mark.item("rnn_forward")
@given(sizes, sizes, batches, lengths, st.booleans(), st.sampled_from([nn.RNNCell, nn.GRUCell]), seeds())
@example(3, 2, 2, 4, True, nn.RNNCell, 0)
def test_rnn_forward_unrolls_any_cell(impl, I, H, B, T, with_h0, kind, seed):
    """rnn_forward(cell, xs, h0) unrolls any cell over time and returns (outputs, h_n)."""
    cell = reference_cell(I, H, seed, kind=kind)
    xs = random_tensor(seed, T, B, I)
    h0 = random_tensor(seed + 1, B, H) if with_h0 else None
    expected_outputs, expected_h = ref.rnn_forward(cell, xs, h0)
    what = (_("rnn_forward with a {cell}, T={steps}, h0 given") if with_h0
            else _("rnn_forward with a {cell}, T={steps}, h0 None")).format(cell=kind.__name__, steps=T)
    outputs, h_n = check_rnn_forward_result(impl.rnn_forward(impl.trusted(cell), xs, h0), what, T, B, H)
    mistakes = {}
    if with_h0:
        mistakes[_("start from h0 when it is given")] = ref.rnn_forward(cell, xs, None)[0]
    assert_close(outputs, expected_outputs, _("outputs of {what}").format(what=what), mistakes=mistakes)
    assert_close(h_n, expected_h, _("h_n (the last hidden state) of rnn_forward"),
                 mistakes={_("h_n is the state after the LAST step"): expected_outputs[0]})


@pytest.mark.item("rnn_forward")
def test_rnn_forward_any_callable_cell(impl):
    """rnn_forward works with any callable cell(x, h), one without hidden_size or weights too."""
    for I, H, B, T, with_h0, seed in ((2, 3, 2, 4, False, 0), (3, 2, 1, 3, True, 1)):
        cell = plain_cell(I, H, seed)
        xs = random_tensor(seed, T, B, I)
        h0 = random_tensor(seed + 1, B, H) if with_h0 else None
        expected_outputs, expected_h = ref.rnn_forward(cell, xs, h0)
        what = (_("rnn_forward with a cell that is only a callable, T={steps}, h0 given") if with_h0
                else _("rnn_forward with a cell that is only a callable, T={steps}, h0 None")).format(steps=T)
        result = calling(what, lambda: impl.rnn_forward(impl.trusted(cell), xs, h0), _(ANY_CELL))
        outputs, h_n = check_rnn_forward_result(result, what, T, B, H)
        assert_close(outputs, expected_outputs, _("outputs of {what}").format(what=what))
        assert_close(h_n, expected_h, _("h_n of {what}").format(what=what))


def unrolled_with_detached_state(cell, xs, h0, grad_outputs, grad_h):
    """The gradients (xs, h0) an unroll that detaches the state before every step gets."""
    xs_leaf = xs.clone().requires_grad_()
    h0_leaf = h0.clone().requires_grad_() if h0 is not None else None
    h, outputs = h0_leaf, []
    for x in xs_leaf:
        h = cell(x, None if h is None else h.detach())
        outputs.append(h)
    torch.autograd.backward([torch.stack(outputs), h], [grad_outputs, grad_h])
    return xs_leaf.grad


@pytest.mark.item("rnn_forward", weight=2)
@given(sizes, sizes, batches, lengths, st.booleans(), seeds())
@example(2, 3, 2, 3, True, 0)
def test_rnn_forward_gradients(impl, I, H, B, T, with_h0, seed):
    """Gradients flow back through all steps of rnn_forward to xs and h0."""
    cell = reference_cell(I, H, seed)
    xs = random_tensor(seed, T, B, I)
    h0 = random_tensor(seed + 1, B, H) if with_h0 else None
    grad_output = (random_tensor(seed + 2, T, B, H), random_tensor(seed + 3, B, H))
    got = impl.call_with_grad(impl.rnn_forward, impl.trusted(cell), xs, h0, grad_output=grad_output)
    leaves = [xs.clone().requires_grad_(), h0.clone().requires_grad_() if with_h0 else None]
    outputs, h_n = ref.rnn_forward(cell, *leaves)
    torch.autograd.backward([outputs, h_n], list(grad_output))
    for k, name in ((1, "xs"), (2, "h0")):
        expected = leaves[k - 1].grad if leaves[k - 1] is not None else None
        if expected is None:
            continue
        if got.input_grads[k] is None:
            fail(_("No gradient reached {name} through rnn_forward.").format(name=name), _("a gradient"), "None",
                 _("keep the graph: no .detach(), .item(), numpy or torch.no_grad between the steps"))
        mistakes = {}
        if name == "xs":
            mistakes[_("do not detach the state between steps: gradients must flow back through time")] = \
                unrolled_with_detached_state(cell, xs, h0, *grad_output)
        assert_close(got.input_grads[k], expected,
                     _("the gradient of rnn_forward's results with respect to {name}").format(name=name),
                     mistakes=mistakes)


@pytest.mark.item("rnn_forward")
def test_rnn_forward_rejects_xs_that_is_not_3d(impl):
    """rnn_forward raises ValueError when xs is not 3-D."""
    cell = reference_cell(2, 3, seed=5)
    for shape in ((4, 2), (1, 4, 2, 2)):
        expect_value_error(lambda: impl.rnn_forward(impl.trusted(cell), random_tensor(5, *shape)),
                           _("rnn_forward(cell, xs of shape {shape})").format(shape=shape),
                           _("the task asks for it: check xs.dim() first and raise ValueError(...)"))


# -- hidden_grad_norms -----------------------------------------------------------------------

def check_norms(norms, what, T):
    assert_tensor(norms, what)
    if tuple(norms.shape) != (T,):
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=(T,)),
             _("shape {shape}").format(shape=tuple(norms.shape)),
             _("return one number per time step: entry t is the norm of the whole gradient dL/dh_t (over the batch "
               "and the hidden units together)"))


def norms_mistakes(expected, B, H):
    ones = torch.zeros_like(expected)
    ones[-1] = expected[-1]
    return {
        _("entry t belongs to step t: do not reverse the order"): expected.flip(0),
        _("L = h_T.sum(), the sum over batch and hidden units, not the mean"): expected / (B * H),
        _("dL/dh_t flows through all later steps: do not detach the state between steps"): ones,
    }


UNROLL = N_("unroll from h = None (the cell treats it as zeros): h = cell(x, h) at every step, keeping every h_t")


@pytest.mark.item("hidden_grad_norms", weight=3)
@given(sizes, sizes, batches, lengths, st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from([nn.RNNCell, nn.GRUCell]),
       seeds())
@example(2, 3, 2, 4, 1.0, nn.RNNCell, 0)
def test_hidden_grad_norms_matches_bptt(impl, I, H, B, T, scale, kind, seed):
    """Entry t is ||dL/dh_t|| for L = h_T.sum(), through all later steps."""
    cell = reference_cell(I, H, seed, kind=kind)
    with torch.no_grad():
        cell.weight_hh.mul_(scale)
    xs = random_tensor(seed, T, B, I)
    expected = ref.hidden_grad_norms(cell, xs)
    what = _("hidden_grad_norms with a {cell} over T={steps} steps").format(cell=kind.__name__, steps=T)
    norms = calling(what, lambda: impl.hidden_grad_norms(impl.trusted(cell), xs), _(UNROLL))
    check_norms(norms, what, T)
    assert_close(norms, expected, what, mistakes=norms_mistakes(expected, B, H))


@pytest.mark.item("hidden_grad_norms")
@given(sizes, sizes, batches, lengths, seeds())
def test_hidden_grad_norms_last_entry(impl, I, H, B, T, seed):
    """The last entry is the norm of a tensor of ones: sqrt(batch * hidden)."""
    cell = reference_cell(I, H, seed)
    norms = impl.hidden_grad_norms(impl.trusted(cell), random_tensor(seed, T, B, I))
    assert_tensor(norms, "hidden_grad_norms(...)", (T,))
    assert_number_close(norms[-1], (B * H) ** 0.5, _("the last entry of hidden_grad_norms"),
                        hint=_("dL/dh_T for L = h_T.sum() is a tensor of ones"))


@pytest.mark.item("hidden_grad_norms")
def test_hidden_grad_norms_any_callable_cell(impl):
    """hidden_grad_norms works with any callable cell(x, h), one without hidden_size or weights too."""
    for I, H, B, T, seed in ((2, 3, 2, 4, 0), (3, 2, 1, 3, 1)):
        cell = plain_cell(I, H, seed)
        xs = random_tensor(seed, T, B, I)
        expected = ref.hidden_grad_norms(cell, xs)
        what = _("hidden_grad_norms with a cell that is only a callable, over T={steps} steps").format(steps=T)
        norms = calling(what, lambda: impl.hidden_grad_norms(impl.trusted(cell), xs), _(ANY_CELL))
        check_norms(norms, what, T)
        assert_close(norms, expected, what, mistakes=norms_mistakes(expected, B, H))


@pytest.mark.item("hidden_grad_norms")
def test_hidden_grad_norms_float32(impl):
    """hidden_grad_norms works for a float32 cell and input."""
    for I, H, B, T, seed in ((3, 4, 2, 5, 0), (2, 2, 1, 3, 1)):
        seed_torch(seed)
        cell = nn.RNNCell(I, H)
        xs = random_tensor(seed, T, B, I).float()
        double = nn.RNNCell(I, H).double()
        double.load_state_dict(cell.state_dict())
        expected = ref.hidden_grad_norms(double, xs.double())
        what = _("hidden_grad_norms with a float32 cell over T={steps} steps").format(steps=T)
        norms = calling(what, lambda: impl.hidden_grad_norms(impl.trusted(cell), xs),
                        _("the cell and xs are float32 here: compute in their dtype (do not convert xs or the state)"))
        check_norms(norms, what, T)
        assert_close(norms, expected, what, atol=1e-4, rtol=1e-4)


# -- clip_grad_norm --------------------------------------------------------------------------

@st.composite
def parameters_with_grads(draw):
    """A list of 1-4 float64 tensors; some may have no .grad."""
    count = draw(st.integers(1, 4))
    params = []
    for i in range(count):
        shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=2)))
        p = torch.zeros(shape, dtype=F64, requires_grad=True)
        if i == 0 or draw(st.booleans()):
            p.grad = draw(tensors(*shape, low=-5, high=5))
        params.append(p)
    return params


def _copies(params):
    out = []
    for p in params:
        q = p.detach().clone().requires_grad_()
        q.grad = None if p.grad is None else p.grad.clone()
        out.append(q)
    return out


def with_grads(*grads):
    """float64 tensors whose .grad are ``grads`` (None: no gradient)."""
    params = []
    for g in grads:
        p = torch.zeros(len(g), dtype=F64, requires_grad=True) if g is not None else torch.zeros(2, dtype=F64,
                                                                                                  requires_grad=True)
        p.grad = None if g is None else torch.tensor(g, dtype=F64)
        params.append(p)
    return params


CONTAINER_HINTS = {
    "generator": N_("parameters may be a generator, which can be iterated only once: make a list of it first "
                    "(params = list(parameters))"),
    "tensor": N_("parameters may be a single tensor: put it in a list first (iterating over a tensor gives its "
                 "rows)"),
}
SKIP = N_("skip the tensors whose .grad is None (they have no gradient to clip)")
BEFORE = N_("return the norm over ALL gradients together, measured before clipping")


def clips_a_list_right(impl, params, max_norm):
    """Does the student's clip_grad_norm get it right when the same tensors come as a list?"""
    got, expected = _copies(params), _copies(params)
    total = float(torch.nn.utils.clip_grad_norm_(expected, max_norm))
    result = impl.clip_grad_norm(got, max_norm)
    return math.isclose(float(result), total, rel_tol=1e-5, abs_tol=1e-6) and all(
        (g.grad is None and e.grad is None) or same_values(g.grad, e.grad) for g, e in zip(got, expected))


@pytest.mark.item("clip_grad_norm", weight=3)
@given(parameters_with_grads(), st.floats(0.05, 20), st.sampled_from(["list", "generator", "tensor"]))
@example(with_grads([3.0, 4.0], None, [12.0]), 1.0, "list")  # total 13: clipped
@example(with_grads([3.0, 4.0], [12.0]), 20.0, "list")  # total 13: left alone
@example(with_grads([3.0, 4.0], [12.0]), 1.0, "generator")
@example(with_grads([3.0, 4.0]), 1.0, "tensor")
def test_clip_grad_norm_matches_torch(impl, params, max_norm, container):
    """clip_grad_norm matches torch.nn.utils.clip_grad_norm_ (total norm and clipped grads)."""
    params = _copies(params)  # the examples' tensors stay as they are
    if container == "tensor":
        params = params[:1]
    expected_params, per_tensor, before = _copies(params), _copies(params), _copies(params)
    expected_total = float(torch.nn.utils.clip_grad_norm_(expected_params, max_norm))
    for p in per_tensor:  # the classic mistake: clip each tensor by its own norm
        if p.grad is not None:
            torch.nn.utils.clip_grad_norm_([p], max_norm)
    argument = {"list": params, "generator": (p for p in params), "tensor": params[0]}[container]
    what = _("clip_grad_norm ({container} input, max_norm={max_norm:.3g})").format(container=container,
                                                                                 max_norm=max_norm)
    total = calling(what, lambda: impl.clip_grad_norm(argument, max_norm),
                    _(SKIP) if any(p.grad is None for p in params) else None)

    @functools.cache
    def container_hint():  # wrong for a generator or a tensor, right for a list of the same tensors
        if container != "list" and quietly(lambda: clips_a_list_right(impl, before, max_norm)):
            return _(CONTAINER_HINTS[container])
        return None

    total_is_right = quietly(lambda: math.isclose(float(total), expected_total, rel_tol=1e-5, abs_tol=1e-6))
    assert_number_close(total, expected_total, _("the total norm returned by {what}").format(what=what),
                        hint=_(BEFORE) if total_is_right else container_hint() or _(BEFORE))
    scale = max_norm / (expected_total + 1e-6)
    for i, (p, e, wrong, b) in enumerate(zip(params, expected_params, per_tensor, before)):
        if e.grad is None:
            if p.grad is not None:
                fail(_("parameter {index} has no gradient and must be skipped.").format(index=i), _("grad None"),
                     _("a gradient"), _(SKIP))
            continue

        def mistakes(p=p, wrong=wrong, b=b):
            if container_hint():
                return {container_hint(): p.grad}
            return {
                _("scale the gradients in place (p.grad.mul_(scale)): p.grad itself must change"): b.grad,
                _("clip by the global norm of all gradients together, not each tensor by its own norm"): wrong.grad,
                _("scale only when the total norm exceeds max_norm; otherwise leave the gradients as they are"):
                    b.grad * scale,
            }

        assert_close_explained(p.grad, e.grad,
                               _("the gradient of parameter {index} after {what}").format(index=i, what=what), mistakes)


@pytest.mark.item("clip_grad_norm")
def test_clip_grad_norm_returns_a_0dim_tensor(impl):
    """clip_grad_norm returns the total norm as a 0-dim tensor, as torch.nn.utils.clip_grad_norm_ does."""
    for max_norm in (1.0, 20.0):  # clipped, left alone
        total = impl.clip_grad_norm(with_grads([3.0, 4.0], [12.0]), max_norm)
        what = _("the total norm returned by clip_grad_norm(parameters, {max_norm})").format(max_norm=max_norm)
        if not isinstance(total, torch.Tensor) or total.dim() != 0:
            fail(_("{what} should be a 0-dim tensor.").format(what=what), _("a tensor of shape ()"), describe(total),
                 _("return the norm as a tensor (no .item() or float()), of shape () (no [None] or .reshape(1))"))
        assert_number_close(total, 13.0, what, hint=_(BEFORE))


@pytest.mark.item("clip_grad_norm")
def test_clip_grad_norm_without_any_gradient(impl):
    """clip_grad_norm returns 0 and changes nothing when no tensor has a gradient."""
    params = with_grads(None, None)
    what = _("clip_grad_norm(parameters, 1.0) when no parameter has a gradient")
    total = calling(what, lambda: impl.clip_grad_norm(params, 1.0),
                    _("when no tensor has a gradient there is nothing to clip: return a total norm of 0 "
                      "(torch.tensor(0.0))"))
    assert_number_close(total, 0.0, _("the total norm returned by {what}").format(what=what))
    if any(p.grad is not None for p in params):
        fail(_("{what} gave a parameter a gradient.").format(what=what), _("every .grad still None"), _("a gradient"),
             _(SKIP))


# -- what each item promises, the check that holds it to it, and a sample that breaks only that ------------------

CLAUSES = [
    Clause("rnn_cell", "returns (batch, hidden_size)", "test_rnn_cell_returns_batch_by_hidden",
           "rnn_cell_returns_hidden_by_batch"),
    Clause("rnn_cell", "any batch size >= 1 (a batch of 1 stays 2-D)", "test_rnn_cell_returns_batch_by_hidden",
           "rnn_cell_squeezes"),
    Clause("rnn_cell", "tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)", "test_rnn_cell_matches_reference",
           "rnn_cell_ignores_h"),
    Clause("rnn_cell", "bias_ih and bias_hh may be None", "test_rnn_cell_without_biases", "rnn_cell_requires_biases"),
    Clause("rnn_cell", "float32 and float64 inputs, result in their dtype", "test_rnn_cell_float32_and_float64",
           "rnn_cell_returns_float64"),
    Clause("rnn_cell", "differentiable: gradients reach x, h and the parameters", "test_rnn_cell_gradients",
           "rnn_cell_through_numpy"),
    Clause("rnn_cell", "ValueError when x or h is not 2-D", "test_rnn_cell_rejects_inputs_that_are_not_2d",
           "rnn_cell_without_rank_check"),
    Clause("rnn_cell", "does not use the forbidden built-ins nn.RNN*, torch.rnn_tanh*",
           "test_rnn_cell_returns_batch_by_hidden", "rnn_cell_uses_torch_rnn_tanh_cell"),

    Clause("RNNCell", "state-dict compatible with nn.RNNCell (names, order, shapes)",
           "test_rnncell_matches_nn_rnncell", "rnncell_wrong_parameter_names"),
    Clause("RNNCell", "bias=False: no bias parameters", "test_rnncell_matches_nn_rnncell",
           "rnncell_ignores_bias_false"),
    Clause("RNNCell", "computes nn.RNNCell's step from the given h", "test_rnncell_matches_nn_rnncell",
           "rnncell_ignores_given_h"),
    Clause("RNNCell", "forward(x, h=None): h None or omitted means zeros", "test_rnncell_matches_nn_rnncell",
           "rnncell_without_zero_state"),
    Clause("RNNCell", "float64 modules and inputs (zeros of x's dtype)", "test_rnncell_matches_nn_rnncell",
           "rnncell_zeros_default_dtype"),
    Clause("RNNCell", "float32 modules and inputs, result in float32", "test_rnncell_float32",
           "rnncell_zeros_float64"),
    Clause("RNNCell", "parameters are trainable nn.Parameters", "test_rnncell_parameters_are_trainable",
           "rnncell_weights_as_buffers"),
    Clause("RNNCell", "does not use the forbidden built-ins nn.RNN*, torch.rnn_tanh*",
           "test_rnncell_matches_nn_rnncell", "uses_nn_rnncell"),

    Clause("rnn_forward", "returns (outputs: (T, B, H), h_n: (B, H))", "test_rnn_forward_unrolls_any_cell",
           "rnn_forward_batch_major_outputs"),
    Clause("rnn_forward", "starts from h0 when it is given", "test_rnn_forward_unrolls_any_cell", "forgets_h0"),
    Clause("rnn_forward", "h_n is the state after the last step", "test_rnn_forward_unrolls_any_cell",
           "rnn_forward_returns_first_state"),
    Clause("rnn_forward", "any callable cell(x, h) that treats h=None as zeros", "test_rnn_forward_any_callable_cell",
           "rnn_forward_reads_hidden_size"),
    Clause("rnn_forward", "differentiable through time: gradients reach xs and h0", "test_rnn_forward_gradients",
           "rnn_forward_detaches_state"),
    Clause("rnn_forward", "ValueError when xs is not 3-D", "test_rnn_forward_rejects_xs_that_is_not_3d",
           "rnn_forward_without_rank_check"),
    Clause("rnn_forward", "does not use the forbidden built-ins nn.RNN*, torch.rnn_tanh*",
           "test_rnn_forward_unrolls_any_cell", "rnn_forward_uses_nn_rnn"),

    Clause("hidden_grad_norms", "returns a (T,) tensor, one norm per step", "test_hidden_grad_norms_matches_bptt",
           "hidden_grad_norms_per_sequence"),
    Clause("hidden_grad_norms", "entry t belongs to step t", "test_hidden_grad_norms_matches_bptt",
           "reversed_grad_norms"),
    Clause("hidden_grad_norms", "L = h_T.sum(): the last entry is the norm of a tensor of ones",
           "test_hidden_grad_norms_matches_bptt", "hidden_grad_norms_mean_loss"),
    Clause("hidden_grad_norms", "dL/dh_t through all later steps", "test_hidden_grad_norms_matches_bptt",
           "hidden_grad_norms_detached_steps"),
    Clause("hidden_grad_norms", "unrolls any callable cell from h=None (zeros)",
           "test_hidden_grad_norms_any_callable_cell", "hidden_grad_norms_reads_hidden_size"),
    Clause("hidden_grad_norms", "float32 cells and inputs", "test_hidden_grad_norms_float32",
           "hidden_grad_norms_casts_to_float64"),
    Clause("hidden_grad_norms", "does not use the forbidden built-ins nn.RNN*, torch.rnn_tanh*",
           "test_hidden_grad_norms_matches_bptt", "hidden_grad_norms_uses_rnn_tanh_cell"),

    Clause("clip_grad_norm", "clips by the global norm of all gradients, as clip_grad_norm_",
           "test_clip_grad_norm_matches_torch", "clip_per_tensor"),
    Clause("clip_grad_norm", "parameters may be a single tensor", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_iterates_a_tensor"),
    Clause("clip_grad_norm", "parameters may be a generator (iterable once)", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_iterates_twice"),
    Clause("clip_grad_norm", "tensors whose .grad is None are skipped", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_without_skipping"),
    Clause("clip_grad_norm", "returns the total norm before clipping", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_returns_clipped_norm"),
    Clause("clip_grad_norm", "scales every grad in place", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_not_in_place"),
    Clause("clip_grad_norm", "scales only when the total exceeds max_norm", "test_clip_grad_norm_matches_torch",
           "clip_grad_norm_always_scales"),
    Clause("clip_grad_norm", "returns a 0-dim tensor", "test_clip_grad_norm_returns_a_0dim_tensor",
           "clip_grad_norm_returns_float"),
    Clause("clip_grad_norm", "no gradient at all: returns 0, changes nothing",
           "test_clip_grad_norm_without_any_gradient", "clip_grad_norm_fails_without_gradients"),
    Clause("clip_grad_norm", "does not use the forbidden built-ins clip_grad*, get_total_norm",
           "test_clip_grad_norm_matches_torch", "uses_torch_clip"),
]
