"""Hidden checks of week 1: vanilla RNN and backpropagation through time."""
import pytest
import torch
import torch.nn as nn
from hypothesis import given
from hypothesis import strategies as st

import solutions.w01_rnn as ref
from autograder.checks.helpers import (F64, assert_close, assert_close_explained, assert_number_close, assert_tensor,
                                       batches, check_state_dict_layout, fail, lengths, quietly, random_tensor, seeds,
                                       sizes, tensors, wrong_dependency)

WEEK = "w01_rnn"
_RNN = ["torch.nn.RNN*", "torch.rnn_tanh*"]
FORBIDDEN = {
    "rnn_cell": _RNN, "RNNCell": _RNN, "rnn_forward": _RNN, "hidden_grad_norms": _RNN,
    "clip_grad_norm": ["torch.nn.utils.clip_grad*", "torch.nn.utils.get_total_norm"],
}


@st.composite
def cell_inputs(draw):
    """x: (B, I), h: (B, H) and the four parameters of an RNN cell, all float64."""
    B, I, H = draw(batches), draw(sizes), draw(sizes)
    return (draw(tensors(B, I)), draw(tensors(B, H)), draw(tensors(H, I, low=-1, high=1)),
            draw(tensors(H, H, low=-1, high=1)), draw(tensors(H, low=-1, high=1)), draw(tensors(H, low=-1, high=1)))


def rnn_cell_mistakes(x, h, w_ih, w_hh, b_ih, b_hh):
    pre = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    return {
        "use tanh, not sigmoid, for the new hidden state": torch.sigmoid(pre),
        "the activation is missing: apply tanh to the pre-activation": pre,
        "include the previous hidden state: + h @ weight_hh.T": torch.tanh(x @ w_ih.T + b_ih + b_hh),
        "both biases are added: + bias_ih + bias_hh": torch.tanh(pre - b_hh),
        "add bias_ih too, not only bias_hh": torch.tanh(pre - b_ih),
        "weights are stored (out_features, in_features): use h @ weight_hh.T": torch.tanh(pre - h @ w_hh.T + h @ w_hh),
    }


def reference_cell(input_size, hidden_size, seed, bias=True, kind=nn.RNNCell):
    torch.manual_seed(seed)
    return kind(input_size, hidden_size, bias=bias).double()


# -- rnn_cell --------------------------------------------------------------------------------

@pytest.mark.item("rnn_cell")
@given(cell_inputs())
def test_rnn_cell_matches_reference(impl, args):
    """rnn_cell computes tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    out = impl.rnn_cell(*args)
    assert_close(out, ref.rnn_cell(*args), "rnn_cell(x, h, ...)", mistakes=rnn_cell_mistakes(*args))


@pytest.mark.item("rnn_cell")
@given(cell_inputs())
def test_rnn_cell_without_biases(impl, args):
    """rnn_cell accepts bias_ih = bias_hh = None (a cell without biases)."""
    args = args[:4] + (None, None)
    assert_close(impl.rnn_cell(*args), ref.rnn_cell(*args), "rnn_cell(x, h, weight_ih, weight_hh, None, None)")


@pytest.mark.item("rnn_cell")
@given(cell_inputs())
def test_rnn_cell_float32(impl, args):
    """rnn_cell works for float32 inputs."""
    out = impl.rnn_cell(*[a.float() for a in args])
    assert_close(out, ref.rnn_cell(*args), "rnn_cell with float32 inputs", atol=1e-4, rtol=1e-4)


@pytest.mark.item("rnn_cell")
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
            fail(f"No gradient reached {name}.", "a gradient", "None",
                 "build the result from torch operations on the inputs (no .detach(), .item(), numpy or torch.no_grad)")
        assert_close(grad, leaf.grad, f"the gradient with respect to {name}")


# -- RNNCell ---------------------------------------------------------------------------------

@pytest.mark.item("RNNCell")
@given(sizes, sizes, batches, st.booleans(), st.booleans(), seeds())
def test_rnncell_matches_nn_rnncell(impl, I, H, B, bias, with_h, seed):
    """RNNCell(I, H, bias) is state-dict compatible with nn.RNNCell and computes the same."""
    reference = reference_cell(I, H, seed, bias=bias)
    module = impl.RNNCell(I, H, bias=bias)
    check_state_dict_layout(module, reference, f"RNNCell({I}, {H}, bias={bias})")
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(seed, B, I)
    h = random_tensor(seed + 1, B, H) if with_h else None
    expected = reference(x, h)
    what = f"RNNCell({I}, {H}, bias={bias})(x, h{'' if with_h else '=None'})"

    def mistakes():
        params = [None if p is None else p.detach()
                  for p in (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)]
        h_used = h if with_h else torch.zeros(B, H, dtype=F64)
        return wrong_dependency("RNNCell", "rnn_cell", quietly(lambda: impl.rnn_cell(x, h_used, *params)), expected)

    assert_close_explained(module(x, h), expected, what, mistakes)


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
        fail("Not every parameter of RNNCell received a gradient.", sorted(expected), sorted(got.param_grads),
             "store weights as nn.Parameter and use them (not copies) in forward")
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, f"the gradient of RNNCell.{name}")


# -- rnn_forward -----------------------------------------------------------------------------

@pytest.mark.item("rnn_forward")
@given(sizes, sizes, batches, lengths, st.booleans(), st.sampled_from([nn.RNNCell, nn.GRUCell]), seeds())
def test_rnn_forward_unrolls_any_cell(impl, I, H, B, T, with_h0, kind, seed):
    """rnn_forward(cell, xs, h0) unrolls any cell over time and returns (outputs, h_n)."""
    cell = reference_cell(I, H, seed, kind=kind)
    xs = random_tensor(seed, T, B, I)
    h0 = random_tensor(seed + 1, B, H) if with_h0 else None
    expected_outputs, expected_h = ref.rnn_forward(cell, xs, h0)
    result = impl.rnn_forward(impl.trusted(cell), xs, h0)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail("rnn_forward should return a pair (outputs, h_n).", "a tuple of 2 tensors", repr(result)[:200])
    outputs, h_n = result
    mistakes = {}
    if with_h0:
        mistakes["start from h0 when it is given"] = ref.rnn_forward(cell, xs, None)[0]
    what = f"outputs of rnn_forward with a {kind.__name__}, T={T}, h0 {'given' if with_h0 else 'None'}"
    assert_close(outputs, expected_outputs, what, mistakes=mistakes)
    assert_close(h_n, expected_h, "h_n (the last hidden state) of rnn_forward",
                 mistakes={"h_n is the state after the LAST step": expected_outputs[0]})


# -- hidden_grad_norms -----------------------------------------------------------------------

@pytest.mark.item("hidden_grad_norms")
@given(sizes, sizes, batches, lengths, st.sampled_from([0.5, 1.0, 3.0]), seeds())
def test_hidden_grad_norms_matches_bptt(impl, I, H, B, T, scale, seed):
    """Entry t is ||dL/dh_t|| for L = h_T.sum(), through all later steps."""
    cell = reference_cell(I, H, seed)
    with torch.no_grad():
        cell.weight_hh.mul_(scale)
    xs = random_tensor(seed, T, B, I)
    expected = ref.hidden_grad_norms(cell, xs)
    norms = impl.hidden_grad_norms(impl.trusted(cell), xs)
    assert_close(norms, expected, f"hidden_grad_norms over T={T} steps",
                 mistakes={"entry t belongs to step t: do not reverse the order": expected.flip(0)})


@pytest.mark.item("hidden_grad_norms")
@given(sizes, sizes, batches, lengths, seeds())
def test_hidden_grad_norms_last_entry(impl, I, H, B, T, seed):
    """The last entry is the norm of a tensor of ones: sqrt(batch * hidden)."""
    cell = reference_cell(I, H, seed)
    norms = impl.hidden_grad_norms(impl.trusted(cell), random_tensor(seed, T, B, I))
    assert_tensor(norms, "hidden_grad_norms(...)", (T,))
    assert_number_close(norms[-1], (B * H) ** 0.5, "the last entry of hidden_grad_norms",
                        hint="dL/dh_T for L = h_T.sum() is a tensor of ones")


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


@pytest.mark.item("clip_grad_norm")
@given(parameters_with_grads(), st.floats(0.05, 20), st.sampled_from(["list", "generator", "tensor"]))
def test_clip_grad_norm_matches_torch(impl, params, max_norm, container):
    """clip_grad_norm matches torch.nn.utils.clip_grad_norm_ (total norm and clipped grads)."""
    expected_params = _copies(params)
    if container == "tensor":
        params, expected_params = params[:1], expected_params[:1]
    per_tensor = _copies(params)
    expected_total = float(torch.nn.utils.clip_grad_norm_(expected_params, max_norm))
    for p in per_tensor:  # the classic mistake: clip each tensor by its own norm
        if p.grad is not None:
            torch.nn.utils.clip_grad_norm_([p], max_norm)
    argument = {"list": params, "generator": (p for p in params), "tensor": params[0]}[container]
    total = impl.clip_grad_norm(argument, max_norm)
    assert_number_close(total, expected_total, f"the total norm returned by clip_grad_norm ({container} input)",
                        hint="return the norm over ALL gradients together, measured before clipping")
    for i, (p, e, wrong) in enumerate(zip(params, expected_params, per_tensor)):
        if e.grad is None:
            if p.grad is not None:
                fail(f"parameter {i} has no gradient and must be skipped.", "grad None", "a gradient")
            continue
        assert_close(p.grad, e.grad, f"the gradient of parameter {i} after clipping (max_norm={max_norm:.3g})",
                     mistakes={"clip by the global norm of all gradients together, not each tensor by its own norm":
                               wrong.grad})
