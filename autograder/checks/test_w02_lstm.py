"""Hidden checks of week 2: LSTM gates, the LSTM cell and the LSTM layer."""
import pytest
import torch
import torch.nn as nn
from hypothesis import example, given
from hypothesis import strategies as st

import solutions.w02_lstm as ref
from autograder.checks.clauses import Clause
from autograder.messages import N_, _
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import (calling, expect_value_error, F64, assert_close, assert_close_diagnosed,
                                       assert_close_explained, assert_tensor, batches, check_pair,
                                       check_state_dict_layout, describe, fail, first_match, lengths, quietly,
                                       random_tensor, seeds, sizes, tensors, wrong_dependency)

WEEK = "w02_lstm"
_LSTM = ["torch.nn.LSTM*", "torch.lstm*"]
FORBIDDEN = {"lstm_gates": _LSTM, "lstm_cell": _LSTM, "LSTMCell": _LSTM, "LSTM": _LSTM}
# Each item is graded on its own: while an item is checked, the items it builds on are the reference's.
BUILDS_ON = {"lstm_cell": ["lstm_gates"], "LSTMCell": ["lstm_cell"], "LSTM": ["lstm_cell"]}

GATES = ("i", "f", "g", "o")  # PyTorch's order: block k of the 4*hidden_size rows of the weights is gate GATES[k]


@st.composite
def cell_inputs(draw):
    """x: (B, I), h: (B, H), c: (B, H) and the four parameters of an LSTM cell (4H rows), all float64."""
    B, I, H = draw(batches), draw(sizes), draw(sizes)
    x, h, c = draw(tensors(B, I)), draw(tensors(B, H)), draw(tensors(B, H))
    params = (draw(tensors(4 * H, I, low=-1, high=1)), draw(tensors(4 * H, H, low=-1, high=1)),
              draw(tensors(4 * H, low=-1, high=1)), draw(tensors(4 * H, low=-1, high=1)))
    return x, h, c, params


def random_params(I, H, seed):
    """float64 (weight_ih, weight_hh, bias_ih, bias_hh) of an LSTM cell, from a seed."""
    return (random_tensor(seed, 4 * H, I, scale=0.5), random_tensor(seed + 1, 4 * H, H, scale=0.5),
            random_tensor(seed + 2, 4 * H, scale=0.5), random_tensor(seed + 3, 4 * H, scale=0.5))


def reference_module(kind, input_size, hidden_size, seed, **kwargs):
    seed_torch(seed)
    return kind(input_size, hidden_size, **kwargs).double()


# -- what classic mistakes produce ----------------------------------------------------------

def _activated(pre):
    i, f, g, o = pre.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def _per_gate_no_transpose(inp, weight):
    """inp @ W for each gate's block W of rows (the transpose forgotten); needs a square block."""
    return torch.cat([inp @ w for w in weight.chunk(4, dim=0)], dim=1)


def gate_variants(x, h, w_ih, w_hh, b_ih, b_hh):
    """{hint: (i, f, g, o) that a classic mistake returns}, most specific first."""
    I, H = x.shape[1], h.shape[1]
    xw, hw = x @ w_ih.T, h @ w_hh.T
    pre = xw + b_ih + hw + b_hh
    blocks = pre.chunk(4, dim=1)
    s, t = torch.sigmoid, torch.tanh
    variants = {
        _("PyTorch's gate order is (i, f, g, o): g is the third block of hidden_size rows of the weights, "
          "o the fourth"):
            (s(blocks[0]), s(blocks[1]), t(blocks[3]), s(blocks[2])),
        _("PyTorch's gate order is (i, f, g, o): i is the first block of hidden_size rows of the weights, "
          "f the second"):
            (s(blocks[1]), s(blocks[0]), t(blocks[2]), s(blocks[3])),
        _("return the gates in the order (i, f, g, o)"): (s(blocks[0]), s(blocks[1]), s(blocks[3]), t(blocks[2])),
        _("g (the candidate cell update) uses tanh, not sigmoid"): tuple(s(b) for b in blocks),
        _("o is a gate: use sigmoid, not tanh"): (s(blocks[0]), s(blocks[1]), t(blocks[2]), t(blocks[3])),
        _("i, f and o are gates between 0 and 1: use sigmoid for them (tanh only for g)"):
            tuple(t(b) for b in blocks),
        _("apply the activations: sigmoid for i, f, o and tanh for g"): tuple(blocks),
        _("include the previous hidden state: + h @ weight_hh.T"): _activated(xw + b_ih + b_hh),
        _("add both biases: + bias_ih + bias_hh"): _activated(xw + hw),
        _("add bias_hh too, not only bias_ih"): _activated(xw + hw + b_ih),
        _("add bias_ih too, not only bias_hh"): _activated(xw + hw + b_hh),
        _("weights are stored (4*hidden_size, in_features): use a transpose (weight.T), not .view or .reshape"):
            _activated(x @ w_ih.reshape(I, 4 * H) + b_ih + h @ w_hh.reshape(H, 4 * H) + b_hh),
        _("weights are stored (out_features, in_features): a gate's block W of rows of weight_hh is used as "
          "h @ W.T"):
            _activated(xw + b_ih + _per_gate_no_transpose(h, w_hh) + b_hh),
        _("add bias_hh once and bias_ih once, not the same bias twice"): _activated(xw + hw + 2 * b_ih),
        _("add bias_ih once and bias_hh once, not the same bias twice"): _activated(xw + hw + 2 * b_hh),
        _("do not add 1 to the forget gate's pre-activation: that is an initialisation trick (a bias of 1), "
          "not part of the LSTM step"):
            _activated(pre + torch.cat([torch.zeros_like(b_ih[:H]), torch.ones_like(b_ih[:H]),
                                        torch.zeros_like(b_ih[2 * H:])])),
        _("split the 4*hidden_size columns into 4 contiguous blocks (chunk(4, dim=1)), not every 4th column "
          "(.view(batch, hidden_size, 4) interleaves the gates)"):
            (s(pre[:, 0::4]), s(pre[:, 1::4]), t(pre[:, 2::4]), s(pre[:, 3::4])),
        _("split the pre-activations along dim 1 (chunk(4, dim=1)), not with .view(4, batch, hidden_size)"):
            tuple(act(b) for act, b in zip((s, s, t, s), pre.reshape(4, x.shape[0], H))),
    }
    if I == H:
        variants[_("x goes with weight_ih and h with weight_hh: x @ weight_ih.T + h @ weight_hh.T")] = \
            _activated(x @ w_hh.T + b_ih + h @ w_ih.T + b_hh)
    if I == H:
        variants[_("weights are stored (out_features, in_features): a gate's block W of rows is used as "
                   "x @ W.T")] = \
            _activated(_per_gate_no_transpose(x, w_ih) + b_ih + _per_gate_no_transpose(h, w_hh) + b_hh)
    return variants


def gate_mistakes(x, h, w_ih, w_hh, b_ih, b_hh):
    """One {hint: wrong tensor} per gate position k, for comparing the gates one by one."""
    variants = gate_variants(x, h, w_ih, w_hh, b_ih, b_hh)
    blocks = (x @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
    acts = (torch.sigmoid, torch.sigmoid, torch.tanh, torch.sigmoid)
    per_gate = []
    for k, name in enumerate(GATES):
        mistakes = {hint: wrong[k] for hint, wrong in variants.items()}
        for j, other in enumerate(GATES):
            if j == k:
                continue
            mistakes[_("PyTorch's gate order is (i, f, g, o): gate {gate} is block {k} of the 4 blocks of "
                       "hidden_size rows of the weights; you used block {j}, which belongs to gate {other}")
                     .format(gate=name, k=k, j=j, other=other)] = acts[k](blocks[j])
            if acts[j] is not acts[k]:
                mistakes[_("this is gate {other}: return the gates in the order (i, f, g, o)")
                         .format(other=other)] = acts[j](blocks[j])
        per_gate.append(mistakes)
    return per_gate


def cell_mistakes(x, h, c, params):
    """({hint: wrong c_new}, {hint: wrong h_new}) for lstm_cell."""
    i, f, g, o = ref.lstm_gates(x, h, *params)
    c_new = f * c + i * g
    h_new = o * torch.tanh(c_new)
    c_wrong = {
        _("c_new = f*c + i*g: the input gate i scales g"): f * c + g,
        _("c_new = f*c + i*g: keep the old cell state, scaled by the forget gate (f*c)"): i * g,
        _("c_new = f*c + i*g: the forget gate f scales the old cell state"): c + i * g,
        _("c_new = f*c + i*g: f scales the old cell state c and i scales g, not the other way round"): i * c + f * g,
        _("the forget gate scales the old CELL state c, not the hidden state h"): f * h + i * g,
        _("return (h_new, c_new) in that order"): h_new,
    }
    h_wrong = {
        _("h_new = o * tanh(c_new): apply tanh to the new cell state"): o * c_new,
        _("h_new = o * tanh(c_new): tanh goes on c_new alone, then multiply by o"): torch.tanh(o * c_new),
        _("h_new = o * tanh(c_new): use the NEW cell state, not the old c"): o * torch.tanh(c),
        _("h_new = o * tanh(c_new): multiply by the output gate o"): torch.tanh(c_new),
        _("return (h_new, c_new) in that order"): c_new,
        _("h_new = o * tanh(c_new): tanh, not sigmoid, squashes the cell state"): o * torch.sigmoid(c_new),
    }
    double_tanh = f * c + i * torch.tanh(g)
    double_tanh_hint = _("g is already tanh-activated by lstm_gates: c_new = f*c + i*g, without another tanh")
    c_wrong[double_tanh_hint] = double_tanh
    h_wrong[double_tanh_hint] = o * torch.tanh(double_tanh)
    # the state unpacked the wrong way round: c, h = state
    si, sf, sg, so = ref.lstm_gates(x, c, *params)
    swapped_c = sf * h + si * sg
    swapped_hint = _("the state is the pair (h, c): unpack it as h, c = state")
    c_wrong[swapped_hint] = swapped_c
    h_wrong[swapped_hint] = so * torch.tanh(swapped_c)
    for hint, (vi, vf, vg, vo) in gate_variants(x, h, *params).items():
        wrong_c = vf * c + vi * vg
        gates_hint = _("your gates are wrong ({hint}); check lstm_gates").format(hint=hint)
        c_wrong.setdefault(gates_hint, wrong_c)
        h_wrong.setdefault(gates_hint, vo * torch.tanh(wrong_c))
    return c_wrong, h_wrong


def generic_inputs(B, I, H, seed=20240):
    """x, h, c and parameters with generic values, where different mistakes give different results."""
    return (random_tensor(seed, B, I), random_tensor(seed + 1, B, H), random_tensor(seed + 2, B, H),
            random_params(I, H, seed + 3))


def diagnose_gate(impl, B, I, H, k):
    x, h, _c, params = generic_inputs(B, I, H)
    return first_match(impl.lstm_gates(x, h, *params)[k], gate_mistakes(x, h, *params)[k])


def diagnose_cell(impl, B, I, H, k):
    """k = 0 for h_new, 1 for c_new."""
    x, h, c, params = generic_inputs(B, I, H)
    result = impl.lstm_cell(x, (h, c), *params)
    c_wrong, h_wrong = cell_mistakes(x, h, c, params)
    return first_match(result[k], (h_wrong, c_wrong)[k])


# -- structure of results --------------------------------------------------------------------

def check_shape(value, what, shape, hint):
    assert_tensor(value, what)
    if tuple(value.shape) != tuple(shape):
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=tuple(shape)),
             _("shape {shape}").format(shape=tuple(value.shape)), hint)


def check_gates(result, B, H, what="lstm_gates(x, h, ...)"):
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        fail(_("{what} should return the four gates (i, f, g, o).").format(what=what), _("a tuple of 4 tensors"),
             describe(result), _("return them separately, in PyTorch's order: return i, f, g, o"))
    for k, (name, gate) in enumerate(zip(GATES, result)):
        hint = _("each gate is (batch, hidden_size): split the 4*hidden_size pre-activations into 4 blocks "
                 "along dim 1")
        if isinstance(gate, torch.Tensor) and gate.dim() < 2:
            hint = _("a batch of 1 (or a hidden size of 1) is still 2-D: keep both dimensions (no .squeeze())")
        check_shape(gate, _("gate {gate} (index {k}) of {what}").format(gate=name, k=k, what=what), (B, H), hint)
    return result


# -- calls into student code ------------------------------------------------------------------

DTYPE_HINT = N_("compute in the inputs' dtype: do not convert them (or convert the result back to x.dtype)")


def check_dtype(value, dtype, what, hint=None):
    """hint: shown when the dtype is wrong (None: DTYPE_HINT)."""
    if value.dtype != dtype:
        fail(_("{what} returns the wrong dtype.").format(what=what), str(dtype).removeprefix("torch."),
             str(value.dtype).removeprefix("torch."), _(DTYPE_HINT) if hint is None else hint)


# (batch, input_size, hidden_size) of the explicit examples: a batch of 1, and sizes that tell the dimensions apart
CELL_SHAPES = [(1, 3, 2), (4, 2, 5), (3, 3, 3)]
NO_BIAS = N_("bias_ih and bias_hh may be None (a cell without biases): add each bias only when it is not None")
ZERO_STATE = N_("a state of None means zeros: start from h = c = zeros of x's dtype, "
                "e.g. x.new_zeros(batch, hidden_size)")


def diagnose_square_gates(impl):
    """The hint of the gate mistake lstm_gates makes with input_size == hidden_size, where a mix-up of the weights
    or a missing transpose does not raise (for an error raised with other sizes)."""
    x, h, _c, params = generic_inputs(2, 3, 3)
    gates = impl.lstm_gates(x, h, *params)
    for hint, wrong in gate_variants(x, h, *params).items():
        if all(first_match(g, {hint: w}) for g, w in zip(gates, wrong)):
            return hint
    return None


GATE_ERROR_HINTS = {
    # {text in the error: hint}; the hint is a callable so that it is translated when used, not at import
    "values to unpack (expected 4": lambda: _("split the 4*hidden_size columns into 4 blocks of hidden_size: "
                                              ".chunk(4, dim=1) or .split(hidden_size, dim=1) (.split(4, dim=1) "
                                              "makes blocks of 4 columns)"),
}


# -- lstm_gates ------------------------------------------------------------------------------

@pytest.mark.item("lstm_gates")
@given(cell_inputs())
@example(generic_inputs(1, 3, 2))
@example(generic_inputs(2, 2, 3))
def test_lstm_gates_returns_four_gates(impl, inputs):
    """lstm_gates returns a tuple (i, f, g, o) of four (batch, hidden_size) tensors."""
    x, h, _c, params = inputs
    check_gates(calling("lstm_gates(x, h, ...)", lambda: impl.lstm_gates(x, h, *params),
                        {**GATE_ERROR_HINTS, "shapes cannot be multiplied": lambda: diagnose_square_gates(impl)}),
                *h.shape)


@pytest.mark.item("lstm_gates", weight=3)
@given(cell_inputs())
def test_lstm_gates_match_reference(impl, inputs):
    """Each gate matches PyTorch's LSTM: blocks (i, f, g, o), sigmoid for i, f, o and tanh for g."""
    x, h, _c, params = inputs
    args = (x, h, *params)
    expected = ref.lstm_gates(*args)
    gates = check_gates(impl.lstm_gates(*args), *h.shape)
    for k, (name, gate, want) in enumerate(zip(GATES, gates, expected)):
        assert_close_diagnosed(gate, want,
                               _("gate {gate} (index {k}) of {what}").format(gate=name, k=k,
                                                                             what="lstm_gates(x, h, ...)"),
                               lambda: diagnose_gate(impl, *x.shape, h.shape[1], k))


@pytest.mark.item("lstm_gates")
def test_lstm_gates_without_biases(impl):
    """lstm_gates accepts bias_ih = bias_hh = None (a cell without biases)."""
    for B, I, H in CELL_SHAPES:
        x, h, _c, params = generic_inputs(B, I, H, seed=B + 10 * I)
        args = (x, h, *params[:2], None, None)
        what = _("{call} with batch {batch}").format(call="lstm_gates(x, h, weight_ih, weight_hh, None, None)",
                                                     batch=B)
        gates = check_gates(calling(what, lambda: impl.lstm_gates(*args), _(NO_BIAS)), B, H, what)
        for k, (name, gate, want) in enumerate(zip(GATES, gates, ref.lstm_gates(*args))):
            assert_close(gate, want, _("gate {gate} (index {k}) of {what}").format(gate=name, k=k, what=what))


@pytest.mark.item("lstm_gates")
def test_lstm_gates_float32_and_float64(impl):
    """lstm_gates works for float32 and float64 inputs and returns gates of their dtype."""
    for dtype, tolerance in ((torch.float32, 1e-4), (torch.float64, 1e-6)):
        for B, I, H in CELL_SHAPES[:2]:
            x, h, _c, params = generic_inputs(B, I, H, seed=B * I * H)
            args = (x, h, *params)
            what = _("{function} with {dtype} inputs").format(function="lstm_gates",
                                                              dtype=str(dtype).removeprefix("torch."))
            gates = check_gates(impl.lstm_gates(*[a.to(dtype) for a in args]), B, H, what)
            for k, (name, gate, want) in enumerate(zip(GATES, gates, ref.lstm_gates(*args))):
                label = _("gate {gate} (index {k}) of {what}").format(gate=name, k=k, what=what)
                check_dtype(gate, dtype, label)
                assert_close(gate, want, label, atol=tolerance, rtol=tolerance)


@pytest.mark.item("lstm_gates", weight=2)
@given(cell_inputs())
def test_lstm_gates_gradients(impl, inputs):
    """Gradients flow through lstm_gates to its input, hidden state and parameters."""
    x, h, _c, params = inputs
    args = (x, h, *params)
    grad_output = tuple(random_tensor(k, *h.shape) for k in range(4))
    got = impl.call_with_grad(impl.lstm_gates, *args, grad_output=grad_output)
    leaves = [a.clone().requires_grad_() for a in args]
    torch.autograd.backward(ref.lstm_gates(*leaves), grad_output)
    names = ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, leaf, grad in zip(names, leaves, got.input_grads):
        if grad is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function="lstm_gates"),
                 _("a gradient"), "None",
                 _("build the gates from torch operations on the inputs (no .detach(), .item(), numpy or "
                   "torch.no_grad)"))
        assert_close(grad, leaf.grad, _("the gradient of lstm_gates with respect to {arg}").format(arg=name))


@pytest.mark.item("lstm_gates")
def test_lstm_gates_rejects_inputs_that_are_not_2d(impl):
    """lstm_gates raises ValueError when x or h is not 2-D."""
    x, h, _c, params = generic_inputs(4, 2, 3, seed=7)
    for name, shape, bad_x, bad_h in (("x", (2,), x[0], h), ("h", (3,), x, h[0]),
                                      ("x", (1, 4, 2), x[None], h), ("h", (1, 4, 3), x, h[None])):
        expect_value_error(lambda: impl.lstm_gates(bad_x, bad_h, *params),
                           _("lstm_gates with {arg} of shape {shape}").format(arg=name, shape=shape),
                           _("the task asks for it: check x.dim() and h.dim() first and raise ValueError(...)"))


# -- lstm_cell -------------------------------------------------------------------------------

@pytest.mark.item("lstm_cell", weight=3)
@given(cell_inputs())
def test_lstm_cell_matches_reference(impl, inputs):
    """lstm_cell returns (h_new, c_new) with c_new = f*c + i*g and h_new = o*tanh(c_new)."""
    x, h, c, params = inputs
    expected_h, expected_c = ref.lstm_cell(x, (h, c), *params)
    what = "lstm_cell(x, (h, c), ...)"
    h_new, c_new = check_pair(impl.lstm_cell(x, (h, c), *params), what, "(h_new, c_new)")
    if isinstance(c_new, (tuple, list)):
        fail(_("c_new (the second result) of {what} should be a torch.Tensor.").format(what=what),
             _("a torch.Tensor of shape {shape}").format(shape=tuple(expected_c.shape)), describe(c_new),
             _("return the flat pair (h_new, c_new), not (h_new, (h_new, c_new)) as nn.LSTM's forward does"))
    # c_new first: a wrong cell state makes h_new wrong too, and its own hint says more.
    assert_close_diagnosed(c_new, expected_c, _("c_new (the second result) of {what}").format(what=what),
                           lambda: diagnose_cell(impl, *x.shape, h.shape[1], 1))
    assert_close_diagnosed(h_new, expected_h, _("h_new (the first result) of {what}").format(what=what),
                           lambda: diagnose_cell(impl, *x.shape, h.shape[1], 0))


def saturated_params(I, H, seed, i_bias, f_bias):
    """Random parameters, except that gates i and f are constant: sigmoid(i_bias) and sigmoid(f_bias)."""
    w_ih, w_hh, b_ih, b_hh = random_params(I, H, seed)
    w_ih[: 2 * H] = 0
    w_hh[: 2 * H] = 0
    b_hh[: 2 * H] = 0
    b_ih[:H], b_ih[H: 2 * H] = i_bias, f_bias
    return w_ih, w_hh, b_ih, b_hh


@pytest.mark.item("lstm_cell")
@given(sizes, sizes, batches, seeds())
def test_lstm_cell_forget_one_input_zero_keeps_c(impl, I, H, B, seed):
    """With f = 1 and i = 0, lstm_cell keeps the cell state: c_new = c and h_new = o*tanh(c)."""
    params = saturated_params(I, H, seed, i_bias=-60.0, f_bias=60.0)  # sigmoid(60) == 1 in float64
    x, h, c = random_tensor(seed, B, I), random_tensor(seed + 1, B, H), random_tensor(seed + 2, B, H, scale=2.0)
    expected_h, expected_c = ref.lstm_cell(x, (h, c), *params)
    g = ref.lstm_gates(x, h, *params)[2]
    h_new, c_new = check_pair(impl.lstm_cell(x, (h, c), *params), "lstm_cell(x, (h, c), ...)", "(h_new, c_new)")
    assert_close(c_new, expected_c, _("c_new when f = 1 and i = 0 (it should equal c)"), mistakes={
        _("c_new = f*c + i*g: with i = 0 nothing is written, so g must be multiplied by i"): c + g,
        _("c_new = f*c + i*g: f scales the old cell state c and i scales g, not the other way round"): g,
    })
    assert_close_explained(h_new, expected_h, _("h_new when f = 1 and i = 0 (it should equal o*tanh(c))"),
                           lambda: cell_mistakes(x, h, c, params)[1])


@pytest.mark.item("lstm_cell")
@given(sizes, sizes, batches, seeds())
def test_lstm_cell_forget_zero_input_one_writes_g(impl, I, H, B, seed):
    """With f = 0 and i = 1, lstm_cell replaces the cell state by g."""
    params = saturated_params(I, H, seed, i_bias=60.0, f_bias=-60.0)
    x, h, c = random_tensor(seed, B, I), random_tensor(seed + 1, B, H), random_tensor(seed + 2, B, H, scale=2.0)
    expected_h, expected_c = ref.lstm_cell(x, (h, c), *params)
    h_new, c_new = check_pair(impl.lstm_cell(x, (h, c), *params), "lstm_cell(x, (h, c), ...)", "(h_new, c_new)")
    assert_close(c_new, expected_c, _("c_new when f = 0 and i = 1 (it should equal g)"), mistakes={
        _("c_new = f*c + i*g: the forget gate f scales the old cell state"): c + expected_c,
        _("c_new = f*c + i*g: f scales the old cell state c and i scales g, not the other way round"): c,
    })
    assert_close_explained(h_new, expected_h, _("h_new when f = 0 and i = 1"),
                           lambda: cell_mistakes(x, h, c, params)[1])


def cell_without_biases_hint(impl, x, h, params):
    """Why lstm_cell may fail on None biases: its own code, or the student's lstm_gates it calls."""
    gates = quietly(lambda: impl.lstm_gates(x, h, *params[:2], None, None))
    if gates is None:
        return _("lstm_cell calls your lstm_gates, which fails when the biases are None: fix lstm_gates first "
                 "(its own check says how)")
    return _(NO_BIAS)


@pytest.mark.item("lstm_cell")
def test_lstm_cell_without_biases(impl):
    """lstm_cell accepts bias_ih = bias_hh = None (a cell without biases)."""
    for B, I, H in CELL_SHAPES:
        x, h, c, params = generic_inputs(B, I, H, seed=B + 10 * I)
        no_bias = (*params[:2], None, None)
        expected_h, expected_c = ref.lstm_cell(x, (h, c), *no_bias)
        what = _("{call} with batch {batch}").format(
            call="lstm_cell(x, (h, c), weight_ih, weight_hh, None, None)", batch=B)
        result = calling(what, lambda: impl.lstm_cell(x, (h, c), *no_bias),
                         lambda: cell_without_biases_hint(impl, x, h, params))
        h_new, c_new = check_pair(result, what, "(h_new, c_new)")
        assert_close(c_new, expected_c, _("c_new (the second result) of {what}").format(what=what))
        assert_close(h_new, expected_h, _("h_new (the first result) of {what}").format(what=what))


@pytest.mark.item("lstm_cell")
def test_lstm_cell_float32_and_float64(impl):
    """lstm_cell works for float32 and float64 inputs and returns (h_new, c_new) of their dtype."""
    for dtype, tolerance in ((torch.float32, 1e-4), (torch.float64, 1e-6)):
        for B, I, H in CELL_SHAPES[:2]:
            x, h, c, params = generic_inputs(B, I, H, seed=B * I * H)
            expected = ref.lstm_cell(x, (h, c), *params)
            what = _("{function} with {dtype} inputs").format(function="lstm_cell",
                                                              dtype=str(dtype).removeprefix("torch."))
            result = impl.lstm_cell(x.to(dtype), (h.to(dtype), c.to(dtype)), *[p.to(dtype) for p in params])
            h_new, c_new = check_pair(result, what, "(h_new, c_new)")
            for label, value, want in ((_("c_new (the second result) of {what}").format(what=what), c_new, expected[1]),
                                       (_("h_new (the first result) of {what}").format(what=what), h_new, expected[0])):
                assert_tensor(value, label, (B, H))
                check_dtype(value, dtype, label)
                assert_close(value, want, label, atol=tolerance, rtol=tolerance)


BUILD_RESULT_HINT = N_("build the result from torch operations on the inputs (no .detach(), .item(), numpy or "
                       "torch.no_grad)")


@pytest.mark.item("lstm_cell", weight=2)
@given(cell_inputs())
def test_lstm_cell_gradients(impl, inputs):
    """Gradients flow through lstm_cell (both results) to its input and parameters."""
    x, h, c, params = inputs
    grad_output = (random_tensor(1, *h.shape), random_tensor(2, *h.shape))
    got = impl.call_with_grad(impl.lstm_cell, x, (h, c), *params, grad_output=grad_output)
    leaves = [a.clone().requires_grad_() for a in (x, *params)]
    torch.autograd.backward(ref.lstm_cell(leaves[0], (h, c), *leaves[1:]), grad_output)
    names = ["x", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    grads = [got.input_grads[0]] + got.input_grads[2:]  # argument 1 is the state pair
    for k, (name, leaf, grad) in enumerate(zip(names, leaves, grads)):
        if grad is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function="lstm_cell"),
                 _("a gradient"), "None", _(BUILD_RESULT_HINT))
        assert_close_explained(grad, leaf.grad,
                               _("the gradient of (h_new, c_new) with respect to {arg}").format(arg=name), lambda: {
            _("do not detach c_new: gradients must flow through the new cell state, to h_new and to the next step"):
                grads_with_detached_c_new(x, h, c, params, grad_output)[k]})


def grads_with_detached_c_new(x, h, c, params, grad_output):
    """The gradients (x, weight_ih, weight_hh, bias_ih, bias_hh) of an lstm_cell that detaches c_new."""
    leaves = [a.clone().requires_grad_() for a in (x, *params)]
    i, f, g, o = ref.lstm_gates(leaves[0], h, *leaves[1:])
    h_new = o * torch.tanh((f * c + i * g).detach())
    return torch.autograd.grad(h_new, leaves, grad_output[0], allow_unused=True, materialize_grads=True)


# -- LSTMCell --------------------------------------------------------------------------------

@pytest.mark.item("LSTMCell", weight=3)
@given(I=sizes, H=sizes, B=batches, bias=st.booleans(), state_kind=st.sampled_from(["given", "None", "omitted"]),
       seed=seeds())
@example(I=2, H=3, B=1, bias=False, state_kind="None", seed=0)
@example(I=3, H=2, B=2, bias=True, state_kind="given", seed=1)
def test_lstmcell_matches_nn_lstmcell(impl, I, H, B, bias, state_kind, seed):
    """LSTMCell(I, H, bias) is state-dict compatible with nn.LSTMCell and computes the same (state None = zeros)."""
    reference = reference_module(nn.LSTMCell, I, H, seed, bias=bias)
    module = impl.LSTMCell(I, H, bias=bias)
    check_state_dict_layout(module, reference, f"LSTMCell({I}, {H}, bias={bias})")
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(seed, B, I)
    h, c = random_tensor(seed + 1, B, H), random_tensor(seed + 2, B, H)
    if state_kind == "given":
        expected_h, expected_c = reference(x, (h, c))
        call = "(x, (h, c))"
    else:
        expected_h, expected_c = reference(x)
        call = "(x, None)" if state_kind == "None" else "(x)"
    what = f"LSTMCell({I}, {H}, bias={bias}){call}"

    def error_hint():
        zeros = torch.zeros(B, H, dtype=F64)
        if not bias and quietly(lambda: impl.lstm_cell(x, (zeros, zeros), *cell_parameters(reference))) is None:
            return _("LSTMCell(bias=False) hands None biases to your lstm_cell, which fails on them: fix lstm_cell "
                     "(or the lstm_gates it calls) first (their own checks say how)")
        return None if state_kind == "given" else _(ZERO_STATE)

    result = calling(what, lambda: module(x, (h, c)) if state_kind == "given" else
                     module(x, None) if state_kind == "None" else module(x), error_hint)
    h_new, c_new = check_pair(result, what, "(h, c)")

    def mistakes(k):  # k = 0 for h, 1 for c
        wrong = {_("return (h, c) in that order"): (expected_c, expected_h)[k]}
        if state_kind == "given":
            wrong[_("start from the given state (h, c)")] = reference(x)[k]
            wrong[_("the state is the pair (h, c): h first")] = reference(x, (c, h))[k]
        state = (h, c) if state_kind == "given" else (torch.zeros(B, H, dtype=F64), torch.zeros(B, H, dtype=F64))
        theirs = quietly(lambda: impl.lstm_cell(x, state, *cell_parameters(reference))[k])
        return {**wrong_dependency("LSTMCell", "lstm_cell", theirs, (expected_h, expected_c)[k]), **wrong}

    assert_close_explained(c_new, expected_c, _("c (the second result) of {what}").format(what=what),
                           lambda: mistakes(1))
    assert_close_explained(h_new, expected_h, _("h (the first result) of {what}").format(what=what),
                           lambda: mistakes(0))


FLOAT32_HINT = N_("compute in the dtype of x and of the parameters: do not convert to float64")


@pytest.mark.item("LSTMCell")
def test_lstmcell_float32(impl):
    """LSTMCell works in float32, PyTorch's default dtype, and returns float32 states."""
    for I, H, B, with_state, seed in ((3, 4, 2, False, 0), (2, 2, 1, True, 1)):
        seed_torch(seed)
        reference = nn.LSTMCell(I, H)
        module = impl.LSTMCell(I, H)
        module.load_state_dict(reference.state_dict())
        x = random_tensor(seed, B, I).float()
        state = (random_tensor(seed + 1, B, H).float(), random_tensor(seed + 2, B, H).float()) if with_state else None
        module_call = f"LSTMCell({I}, {H})"
        what = (_("{module} in float32, state given") if with_state else
                _("{module} in float32, state None")).format(module=module_call)
        h_new, c_new = check_pair(calling(what, lambda: module(x, state), None if with_state else _(ZERO_STATE)),
                                  what, "(h, c)")
        for label, value, want in zip((_("h (the first result) of {what}").format(what=what),
                                       _("c (the second result) of {what}").format(what=what)), (h_new, c_new),
                                      reference(x, state)):
            assert_tensor(value, label, (B, H))
            check_dtype(value, torch.float32, label, _(FLOAT32_HINT))
            assert_close(value, want, label, atol=1e-5, rtol=1e-4)


PARAMETER_HINT = N_("store weights as nn.Parameter and use them (not copies) in forward")


@pytest.mark.item("LSTMCell")
@given(sizes, sizes, batches, seeds())
def test_lstmcell_parameters_are_trainable(impl, I, H, B, seed):
    """LSTMCell's parameters and input receive gradients (its weights are nn.Parameters)."""
    reference = reference_module(nn.LSTMCell, I, H, seed)
    module = impl.LSTMCell(I, H)
    module.load_state_dict(reference.state_dict())
    module.double()
    x, h, c = random_tensor(seed, B, I), random_tensor(seed + 1, B, H), random_tensor(seed + 2, B, H)
    grad_output = (random_tensor(seed + 3, B, H), random_tensor(seed + 4, B, H))
    got = impl.call_with_grad(module, x, (h, c), grad_output=grad_output)
    leaf = x.clone().requires_grad_()
    torch.autograd.backward(reference(leaf, (h, c)), grad_output)
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of {module} received a gradient.").format(module="LSTMCell"), sorted(expected),
             sorted(got.param_grads), _(PARAMETER_HINT))
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, _("the gradient of {parameter}").format(parameter=f"LSTMCell.{name}"))
    if got.input_grads[0] is None:
        fail(_("No gradient reached {arg} through {function}.").format(arg="x", function="LSTMCell"),
             _("a gradient"), "None", _(BUILD_RESULT_HINT))
    assert_close(got.input_grads[0], leaf.grad, _("the gradient of LSTMCell's result with respect to x"))


# -- LSTM ------------------------------------------------------------------------------------

def sequence(seed, T, B, I, batch_first):
    return random_tensor(seed, *((B, T, I) if batch_first else (T, B, I)))


def cell_parameters(reference, suffix=""):
    """(weight_ih, weight_hh, bias_ih, bias_hh) of an nn.LSTMCell (suffix "_l0": of an nn.LSTM), detached."""
    return [None if p is None else p.detach() for p in
            (getattr(reference, f"{name}{suffix}", None) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))]


def unroll_their_lstm_cell(impl, reference, x, state):
    """The output an LSTM built on the student's lstm_cell computes (the reference nn.LSTM's weights and layout)."""
    xs = x.transpose(0, 1) if reference.batch_first else x
    B, H = xs.shape[1], reference.hidden_size
    h, c = (state[0][0], state[1][0]) if state is not None else (xs.new_zeros(B, H), xs.new_zeros(B, H))
    outputs = []
    for x_t in xs:
        h, c = impl.lstm_cell(x_t, (h, c), *cell_parameters(reference, "_l0"))
        outputs.append(h)
    output = torch.stack(outputs)
    return output.transpose(0, 1) if reference.batch_first else output


def unroll_mistakes(reference, x, state):
    """{hint: output} of classic mistakes in LSTM's loop over time (the reference's weights and layout)."""
    xs = x.transpose(0, 1) if reference.batch_first else x
    B, H = xs.shape[1], reference.hidden_size
    params = cell_parameters(reference, "_l0")
    h0, c0 = (state[0][0], state[1][0]) if state is not None else (xs.new_zeros(B, H), xs.new_zeros(B, H))
    runs = {"cells": [], "before": [], "reset": []}
    h, c = h0, c0
    for x_t in xs:
        runs["before"].append(h)
        h, c = ref.lstm_cell(x_t, (h, c), *params)
        runs["cells"].append(c)
        runs["reset"].append(ref.lstm_cell(x_t, (h0, c0), *params)[0])
    wrong = {
        _("output holds the hidden state h of every step, not the cell state c"): runs["cells"],
        _("output[t] is the hidden state AFTER step t (append h after computing the step, not before)"):
            runs["before"],
        _("carry the state from step to step: (h, c) of step t is the input of step t + 1 (do not restart from the "
          "initial state at every step)"): runs["reset"],
    }
    return {hint: (torch.stack(v).transpose(0, 1) if reference.batch_first else torch.stack(v))
            for hint, v in wrong.items()}


def check_lstm_result(result, what, T, B, H, batch_first):
    """(output, (h_n, c_n)) with the contract's shapes; returns the three tensors."""
    check_pair(result, what, "(output, (h_n, c_n))")
    output, state = result
    h_n, c_n = check_pair(state, _("the second result of {what}").format(what=what), "(h_n, c_n)")
    check_shape(output, _("{name} of {what}").format(name="output", what=what), (B, T, H) if batch_first else (T, B, H),
                _("output is (batch, seq_len, hidden_size) with batch_first=True, else (seq_len, batch, hidden_size)"))
    for name, value in (("h_n", h_n), ("c_n", c_n)):
        shape = tuple(value.shape) if isinstance(value, torch.Tensor) else None
        hint = _("h_n and c_n are (1, batch, hidden_size), like nn.LSTM's: one layer, one direction")
        if shape == (B, H):
            hint = _("keep the layer dimension: h_n and c_n are (1, batch, hidden_size) (use .unsqueeze(0))")
        elif batch_first and shape == (1, T, H):
            hint = _("with batch_first=True, x is (batch, seq_len, input_size): step t is x[:, t]; "
                     "h_n and c_n are (1, batch, hidden_size)")
        elif batch_first:
            hint = _("h_n and c_n are (1, batch, hidden_size) even when batch_first=True")
        check_shape(value, _("{name} of {what}").format(name=name, what=what), (1, B, H), hint)
    return output, h_n, c_n


@pytest.mark.item("LSTM")
@given(I=sizes, H=sizes, B=batches, T=lengths, batch_first=st.booleans(), seed=seeds())
@example(I=2, H=3, B=2, T=1, batch_first=False, seed=0)
@example(I=2, H=3, B=2, T=1, batch_first=True, seed=0)
def test_lstm_returns_output_and_final_state(impl, I, H, B, T, batch_first, seed):
    """LSTM returns (output, (h_n, c_n)): output (T, B, H) or (B, T, H) if batch_first; h_n, c_n (1, B, H)."""
    module = impl.LSTM(I, H, batch_first=batch_first)
    module.double()
    x = sequence(seed, T, B, I, batch_first)
    what = _("{module} on x of shape {shape}").format(module=f"LSTM({I}, {H}, batch_first={batch_first})",
                                                      shape=tuple(x.shape))
    check_lstm_result(calling(what, lambda: module(x), _(ZERO_STATE)), what, T, B, H, batch_first)


@pytest.mark.item("LSTM", weight=3)
@given(I=sizes, H=sizes, B=batches, T=lengths, batch_first=st.booleans(), with_state=st.booleans(), seed=seeds())
@example(I=2, H=3, B=2, T=1, batch_first=False, with_state=True, seed=0)
@example(I=2, H=3, B=2, T=1, batch_first=True, with_state=False, seed=0)
def test_lstm_matches_nn_lstm(impl, I, H, B, T, batch_first, with_state, seed):
    """LSTM(I, H, batch_first) is state-dict compatible with nn.LSTM and computes the same, from a state or zeros."""
    reference = reference_module(nn.LSTM, I, H, seed, batch_first=batch_first)
    module = impl.LSTM(I, H, batch_first=batch_first)
    check_state_dict_layout(module, reference, f"LSTM({I}, {H})")
    module.load_state_dict(reference.state_dict())
    module.double()
    x = sequence(seed, T, B, I, batch_first)
    state = (random_tensor(seed + 1, 1, B, H), random_tensor(seed + 2, 1, B, H)) if with_state else None
    expected, (expected_h, expected_c) = reference(x, state)
    what = f"LSTM({I}, {H}, batch_first={batch_first})(x, {'(h0, c0)' if with_state else 'None'})"

    def state_hint():
        """The given (h0, c0) are (1, batch, hidden_size): a cell step needs them without the layer dimension."""
        squeezed = (state[0][0], state[1][0])
        if quietly(lambda: module(x, squeezed)) is not None:
            return _("the given h0 and c0 are (1, batch, hidden_size), as nn.LSTM's: drop the layer dimension "
                     "(h0[0], c0[0]) before the first step")
        return None

    output, h_n, c_n = check_lstm_result(calling(what, lambda: module(x, state),
                                                 state_hint if with_state else _(ZERO_STATE)),
                                         what, T, B, H, batch_first)

    def mistakes():
        theirs = quietly(lambda: unroll_their_lstm_cell(impl, reference, x, state))
        wrong = wrong_dependency("LSTM", "lstm_cell", theirs, expected)
        if with_state:
            wrong[_("start from the given state (h0, c0)")] = reference(x)[0]
            wrong[_("the state is the pair (h0, c0): h0 first")] = reference(x, state[::-1])[0]
        if batch_first and not with_state:
            time_major = reference_module(nn.LSTM, I, H, seed)  # the same weights, reading dim 0 as time
            wrong[_("with batch_first=True, x is (batch, seq_len, input_size): step t is x[:, t]")] = \
                time_major(x)[0]
        wrong.update(unroll_mistakes(reference, x, state))
        return wrong

    assert_close_explained(output, expected, _("{name} of {what}").format(name="output", what=what), mistakes)
    last = expected[:, -1] if batch_first else expected[-1]
    first = expected[:, 0] if batch_first else expected[0]
    assert_close(h_n, expected_h, _("{name} of {what}").format(name="h_n", what=what), mistakes={
        _("h_n is the hidden state after the LAST step"): first.unsqueeze(0),
        _("return (output, (h_n, c_n)): h_n first"): expected_c})
    assert_close(c_n, expected_c, _("{name} of {what}").format(name="c_n", what=what), mistakes={
        _("c_n is the cell state after the last step, not the hidden state"): last.unsqueeze(0)})


@pytest.mark.item("LSTM")
@given(sizes, sizes, batches, lengths, st.booleans(), seeds())
def test_lstm_float32(impl, I, H, B, T, batch_first, seed):
    """LSTM works in float32, PyTorch's default dtype, and returns float32."""
    seed_torch(seed)
    reference = nn.LSTM(I, H, batch_first=batch_first)
    module = impl.LSTM(I, H, batch_first=batch_first)
    module.load_state_dict(reference.state_dict())
    x = sequence(seed, T, B, I, batch_first).float()
    expected, (expected_h, expected_c) = reference(x)
    what = _("{module} in float32").format(module=f"LSTM({I}, {H}, batch_first={batch_first})")
    output, h_n, c_n = check_lstm_result(calling(what, lambda: module(x), _(ZERO_STATE)), what, T, B, H, batch_first)
    for name, value in (("output", output), ("h_n", h_n), ("c_n", c_n)):
        check_dtype(value, torch.float32, _("{name} of {what}").format(name=name, what=what), _(FLOAT32_HINT))
    assert_close(output, expected, _("{name} of {what}").format(name="output", what=what), atol=1e-4, rtol=1e-4)
    assert_close(h_n, expected_h, _("{name} of {what}").format(name="h_n", what=what), atol=1e-4, rtol=1e-4)
    assert_close(c_n, expected_c, _("{name} of {what}").format(name="c_n", what=what), atol=1e-4, rtol=1e-4)


def x_grad_with_detached_state(reference, x, grad_output, batch_first, final_too=False):
    """The gradient with respect to x that an LSTM detaching (h, c) before every step gets
    (``final_too``: and h_n, c_n as well, so that only output passes gradients back)."""
    leaf = x.clone().requires_grad_()
    xs = leaf.transpose(0, 1) if batch_first else leaf
    params = [reference.weight_ih_l0, reference.weight_hh_l0, reference.bias_ih_l0, reference.bias_hh_l0]
    h = c = xs.new_zeros(xs.shape[1], reference.hidden_size)
    outputs = []
    for x_t in xs:
        h, c = ref.lstm_cell(x_t, (h.detach(), c.detach()), *params)
        outputs.append(h)
    output = torch.stack(outputs)
    output = output.transpose(0, 1) if batch_first else output
    if final_too:
        (grad,) = torch.autograd.grad([output], [leaf], [grad_output[0]])
    else:
        (grad,) = torch.autograd.grad([output, h[None], c[None]], [leaf], [grad_output[0], *grad_output[1]])
    return grad


@pytest.mark.item("LSTM", weight=2)
@given(sizes, sizes, batches, lengths, st.booleans(), seeds())
def test_lstm_gradients_through_time(impl, I, H, B, T, batch_first, seed):
    """Gradients flow back through all time steps of LSTM to x and every parameter."""
    reference = reference_module(nn.LSTM, I, H, seed, batch_first=batch_first)
    module = impl.LSTM(I, H, batch_first=batch_first)
    module.load_state_dict(reference.state_dict())
    module.double()
    x = sequence(seed, T, B, I, batch_first)
    grad_output = (random_tensor(seed + 1, *x.shape[:2], H),
                   (random_tensor(seed + 2, 1, B, H), random_tensor(seed + 3, 1, B, H)))
    got = impl.call_with_grad(module, x, grad_output=grad_output)
    leaf = x.clone().requires_grad_()
    output, (h_n, c_n) = reference(leaf)
    torch.autograd.backward([output, h_n, c_n], [grad_output[0], *grad_output[1]])
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of {module} received a gradient.").format(module="LSTM"), sorted(expected),
             sorted(got.param_grads), _(PARAMETER_HINT))
    if got.input_grads[0] is None:
        fail(_("No gradient reached {arg} through {function}.").format(arg="x", function="LSTM"), _("a gradient"),
             "None", _("build the outputs from torch operations on the inputs (no .detach(), .item(), numpy or "
                       "torch.no_grad)"))
    assert_close_explained(got.input_grads[0], leaf.grad, _("the gradient of LSTM's results with respect to x"),
                           lambda: {
        _("do not .detach() the state between steps: gradients must flow back through time"):
            x_grad_with_detached_state(reference, x, grad_output, batch_first),
        _("do not .detach() h or c: gradients must flow back through time, from output and from (h_n, c_n)"):
            x_grad_with_detached_state(reference, x, grad_output, batch_first, final_too=True)})
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, _("the gradient of {parameter}").format(parameter=f"LSTM.{name}"))


# -- what each item promises, the check that holds it to it, and a sample that breaks only that ------------------

CLAUSES = [
    Clause("lstm_gates", "returns a tuple (i, f, g, o) of four (batch, hidden_size) tensors",
           "test_lstm_gates_returns_four_gates", "lstm_gates_stacked"),
    Clause("lstm_gates", "any batch size >= 1 (a batch of 1 stays 2-D)", "test_lstm_gates_returns_four_gates",
           "lstm_gates_squeezes"),
    Clause("lstm_gates", "PyTorch's gate order (i, f, g, o): block k of the weights' rows is gate k",
           "test_lstm_gates_match_reference", "lstm_gates_order_ifog"),
    Clause("lstm_gates", "sigmoid for i, f, o; tanh for g", "test_lstm_gates_match_reference",
           "lstm_gates_tanh_for_o"),
    Clause("lstm_gates", "pre-activations x W_ih^T + b_ih + h W_hh^T + b_hh", "test_lstm_gates_match_reference",
           "lstm_gates_missing_bias_ih"),
    Clause("lstm_gates", "bias_ih and bias_hh may be None", "test_lstm_gates_without_biases",
           "lstm_gates_requires_biases"),
    Clause("lstm_gates", "float32 and float64 inputs, gates in their dtype", "test_lstm_gates_float32_and_float64",
           "lstm_gates_returns_float64"),
    Clause("lstm_gates", "differentiable: gradients reach x, h and the parameters", "test_lstm_gates_gradients",
           "lstm_gates_detaches_h"),
    Clause("lstm_gates", "ValueError when x or h is not 2-D", "test_lstm_gates_rejects_inputs_that_are_not_2d",
           "lstm_gates_without_rank_check"),
    Clause("lstm_gates", "does not use the forbidden built-ins nn.LSTM*, torch.lstm*",
           "test_lstm_gates_returns_four_gates", "lstm_gates_checks_against_torch_lstm_cell"),

    Clause("lstm_cell", "returns a pair (h_new, c_new) of (batch, hidden_size) tensors",
           "test_lstm_cell_matches_reference", "lstm_cell_returns_nested_state"),
    Clause("lstm_cell", "c_new = f*c + i*g", "test_lstm_cell_matches_reference", "lstm_cell_ungated_candidate"),
    Clause("lstm_cell", "h_new = o * tanh(c_new)", "test_lstm_cell_matches_reference", "lstm_cell_without_tanh"),
    Clause("lstm_cell", "bias_ih and bias_hh may be None", "test_lstm_cell_without_biases",
           "lstm_cell_requires_biases"),
    Clause("lstm_cell", "float32 and float64 inputs, results in their dtype", "test_lstm_cell_float32_and_float64",
           "lstm_cell_returns_float64"),
    Clause("lstm_cell", "differentiable: gradients reach x and the parameters through h_new and c_new",
           "test_lstm_cell_gradients", "lstm_cell_detaches_c_new"),
    Clause("lstm_cell", "does not use the forbidden built-ins nn.LSTM*, torch.lstm*",
           "test_lstm_cell_matches_reference", "lstm_cell_uses_torch_lstm_cell"),

    Clause("LSTMCell", "state-dict compatible with nn.LSTMCell (names, order, shapes)",
           "test_lstmcell_matches_nn_lstmcell", "lstmcell_transposed_weights"),
    Clause("LSTMCell", "bias=False: no bias parameters", "test_lstmcell_matches_nn_lstmcell",
           "lstmcell_ignores_bias_false"),
    Clause("LSTMCell", "forward(x, state) computes nn.LSTMCell's (h, c) from the given state",
           "test_lstmcell_matches_nn_lstmcell", "lstmcell_ignores_given_state"),
    Clause("LSTMCell", "state None or omitted means zeros", "test_lstmcell_matches_nn_lstmcell",
           "lstmcell_without_zero_state"),
    Clause("LSTMCell", "float64 modules and inputs (zeros of x's dtype)", "test_lstmcell_matches_nn_lstmcell",
           "lstmcell_zeros_default_dtype"),
    Clause("LSTMCell", "float32 modules and inputs, states in float32", "test_lstmcell_float32",
           "lstmcell_zeros_float64"),
    Clause("LSTMCell", "parameters are trainable nn.Parameters", "test_lstmcell_parameters_are_trainable",
           "lstmcell_weights_as_buffers"),
    Clause("LSTMCell", "does not use the forbidden built-ins nn.LSTM*, torch.lstm*",
           "test_lstmcell_matches_nn_lstmcell", "uses_nn_lstmcell"),

    Clause("LSTM", "returns (output, (h_n, c_n)) with h_n, c_n of shape (1, batch, hidden_size)",
           "test_lstm_returns_output_and_final_state", "lstm_state_without_layer_dim"),
    Clause("LSTM", "batch_first=True: x and output are (batch, seq_len, ...)",
           "test_lstm_returns_output_and_final_state", "lstm_ignores_batch_first"),
    Clause("LSTM", "state None means zeros (of x's dtype)", "test_lstm_returns_output_and_final_state",
           "lstm_zeros_default_dtype"),
    Clause("LSTM", "state-dict compatible with nn.LSTM (weight_ih_l0, ...)", "test_lstm_matches_nn_lstm",
           "lstm_parameters_without_layer_suffix"),
    Clause("LSTM", "computes nn.LSTM's output, starting from the given (h0, c0)", "test_lstm_matches_nn_lstm",
           "lstm_ignores_given_state"),
    Clause("LSTM", "float32 modules and inputs, results in float32", "test_lstm_float32", "lstm_zeros_float64"),
    Clause("LSTM", "gradients flow back through all time steps", "test_lstm_gradients_through_time",
           "lstm_detaches_state"),
    Clause("LSTM", "does not use the forbidden built-ins nn.LSTM*, torch.lstm*",
           "test_lstm_returns_output_and_final_state", "uses_nn_lstm"),
]
