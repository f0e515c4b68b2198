"""Hidden checks of week 3: the GRU cell and layer, count_parameters, layer and weight normalization."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st
from torch.nn.utils.parametrizations import weight_norm as torch_weight_norm

import solutions.w03_gru as ref
from autograder.checks.clauses import Clause
from autograder.messages import N_, _
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import (calling, expect_value_error, F64, LAYOUT_HINT, assert_close, assert_close_diagnosed,
                                       assert_close_explained,
                                       assert_tensor, batches, check_pair, check_state_dict_layout, describe, fail,
                                       first_match, lengths, random_tensor, seeds, sizes, tensors)
from autograder.implementation import StudentCodeError

WEEK = "w03_gru"
_GRU = ["torch.nn.GRU*", "torch.gru*"]
FORBIDDEN = {
    "gru_cell": _GRU, "GRUCell": _GRU, "GRU": _GRU,
    "count_parameters": [],
    # The contract's three, and the built-ins that compute the same normalization under another name.
    "layer_norm": ["torch.nn.functional.layer_norm", "torch.nn.LayerNorm", "torch.layer_norm",
                   "torch.native_layer_norm", "torch.nn.functional.group_norm", "torch.nn.functional.instance_norm",
                   "torch.nn.functional.batch_norm"],
    # torch.nn.utils.*weight_norm, spelled out (the tracer labels a call by its pattern's module), and the
    # operators behind them (torch._weight_norm, torch._weight_norm_interface).
    "weight_norm": ["torch.nn.utils.weight_norm", "torch.nn.utils.parametrizations.weight_norm",
                    "torch._weight_norm*"],
}
# Each item is graded on its own: while GRUCell or GRU is checked, gru_cell is the reference's.
BUILDS_ON = {"GRUCell": ["gru_cell"], "GRU": ["gru_cell"]}

GATES = ("r", "z", "n")  # PyTorch's order: block k of the 3*hidden_size rows of the weights is GATES[k]
_UPDATE = N_("PyTorch's GRU update is h' = (1-z)*n + z*h")
_RESET = N_("PyTorch applies the reset gate after the matrix product: n = tanh(W_in x + b_in + r*(W_hn h + b_hn))")
_NO_DETACH = N_("build the result from torch operations on the inputs (no .detach(), .item(), numpy or torch.no_grad)")


# -- shared comparison helpers ---------------------------------------------------------------

def check_shape(value, what, shape, hint=None):
    assert_tensor(value, what)
    if tuple(value.shape) != tuple(shape):
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=tuple(shape)),
             _("shape {shape}").format(shape=tuple(value.shape)), hint)


def check_grads(got, names, expected, where):
    for name, grad, want in zip(names, got, expected):
        if grad is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function=where), _("a gradient"),
                 "None", _(_NO_DETACH))
        assert_close(grad, want, _("the gradient of {function} with respect to {arg}").format(function=where, arg=name))


_FLOAT32 = N_("keep the inputs' dtype: compute in it, or convert back with .to(x.dtype) (a float32 input gives a "
              "float32 result, as in PyTorch)")


def check_dtype(value, what, dtype=torch.float32, hint=None):
    """hint: shown when the dtype is wrong; None: _FLOAT32."""
    assert_tensor(value, what)
    if value.dtype != dtype:
        fail(_("{what} has the wrong dtype.").format(what=what),
             _("dtype {dtype}").format(dtype=str(dtype).removeprefix('torch.')), describe(value),
             _(_FLOAT32) if hint is None else hint)


def check_default_dtype(module, what, reference):
    """The parameters of a freshly built module have PyTorch's default dtype, float32, as ``reference``'s."""
    for name, tensor in module.state_dict().items():
        if isinstance(tensor, torch.Tensor) and tensor.dtype != torch.float32:
            fail(_("{what} has the wrong dtype.").format(what=f"{what}.{name}"),
                 _("dtype float32, PyTorch's default (as in {module})").format(
                     module=f"nn.{type(reference).__name__}"), describe(tensor),
                 _("create parameters without a dtype (torch.empty(...)): the caller picks the dtype with .double()"))


def _error_text(exc):
    """What the student's code raised, as Python prints it (``TypeError: ...``): their words, not the grader's."""
    return f"{exc.kind}: {exc.message}" if isinstance(exc, StudentCodeError) else f"{type(exc).__name__}: {exc}"


def _is_type_error(exc):
    """The student's code raised TypeError (in this process, or in the worker)."""
    return exc.kind == "TypeError" if isinstance(exc, StudentCodeError) else isinstance(exc, TypeError)


def check_inputs_unchanged(call, args, names, what, hint):
    """``call(*args)`` leaves every tensor argument unchanged.

    The arguments are leaves that require grad, so an in-place change raises in the student's process (this one,
    or the sandboxed worker); in this process the tensors are compared after the call as well."""
    leaves = [a.detach().clone().requires_grad_(a.is_floating_point()) for a in args]
    before = [a.detach().clone() for a in args]
    try:
        call(*leaves)
    except (StudentCodeError, RuntimeError) as exc:
        if "in-place" not in _error_text(exc):
            raise
        fail(_("{what} modifies an argument in place.").format(what=what),
             _("{args} left unchanged").format(args=", ".join(names)),
             _("an in-place change of an argument ({error})").format(error=_error_text(exc).splitlines()[0][:200]),
             hint)
    changed = [name for name, leaf, old in zip(names, leaves, before) if not torch.equal(leaf.detach(), old)]
    if changed:
        fail(_("{what} changed its argument {args}.").format(what=what, args=", ".join(changed)),
             _("{args} left unchanged").format(args=", ".join(names)),
             _("{args} modified").format(args=", ".join(changed)), hint)


# -- gru_cell: the step and its classic mistakes ----------------------------------------------

@st.composite
def cell_inputs(draw):
    """x: (B, I), h: (B, H) and the four parameters of a GRU cell (3H rows), all float64."""
    B, I, H = draw(batches), draw(sizes), draw(sizes)
    x, h = draw(tensors(B, I)), draw(tensors(B, H))
    params = (draw(tensors(3 * H, I, low=-1, high=1)), draw(tensors(3 * H, H, low=-1, high=1)),
              draw(tensors(3 * H, low=-1, high=1)), draw(tensors(3 * H, low=-1, high=1)))
    return x, h, params


def random_params(I, H, seed, scale=0.7):
    """float64 (weight_ih, weight_hh, bias_ih, bias_hh) of a GRU cell, from a seed."""
    return (random_tensor(seed, 3 * H, I, scale=scale), random_tensor(seed + 1, 3 * H, H, scale=scale),
            random_tensor(seed + 2, 3 * H, scale=scale), random_tensor(seed + 3, 3 * H, scale=scale))


def _blocks(x, h, w_ih, w_hh, b_ih, b_hh):
    """The three blocks of x W_ih^T + b_ih and of h W_hh^T + b_hh (biases may be None)."""
    gi, gh = x @ w_ih.T, h @ w_hh.T
    if b_ih is not None:
        gi = gi + b_ih
    if b_hh is not None:
        gh = gh + b_hh
    return gi.chunk(3, dim=1), gh.chunk(3, dim=1)


def cell_with_swapped_weights(x, h, w_ih, w_hh, b_ih, b_hh):
    """h' of a GRU step computing x @ weight_hh.T and h @ weight_ih.T (input_size == hidden_size)."""
    (i_r, i_z, i_n), (h_r, h_z, h_n) = _blocks(x, h, w_hh, w_ih, b_ih, b_hh)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    return (1 - z) * torch.tanh(i_n + r * h_n) + z * h


def cell_variants(x, h, w_ih, w_hh, b_ih, b_hh):
    """{hint: h' that a classic mistake returns}, most specific first."""
    H = h.shape[1]
    (i_r, i_z, i_n), (h_r, h_z, h_n) = _blocks(x, h, w_ih, w_hh, b_ih, b_hh)
    s, t = torch.sigmoid, torch.tanh
    r, z = s(i_r + h_r), s(i_z + h_z)
    n = t(i_n + r * h_n)
    b_hn = b_hh[2 * H:] if b_hh is not None else torch.zeros(H, dtype=x.dtype)
    n_reset_first = t(i_n + (r * h) @ w_hh[2 * H:].T + b_hn)
    n_bias_outside = t(i_n + r * (h_n - b_hn) + b_hn)
    update, reset = _(_UPDATE), _(_RESET)
    variants = {
        _("{update}: you swapped z and 1-z (many texts write h' = (1-z)*h + z*n, the same model with z "
          "replaced by 1-z; this course follows PyTorch)").format(update=update): (1 - z) * h + z * n,
        _("{reset}; you applied it before the product, W_hn (r*h)").format(reset=reset):
            (1 - z) * n_reset_first + z * h,
        _("{reset}: b_hn is inside the bracket that r scales").format(reset=reset): (1 - z) * n_bias_outside + z * h,
        _("{reset}; the textbook variant with W_hn (r*h) swaps z and 1-z as well").format(reset=reset):
            (1 - z) * h + z * n_reset_first,
        _("PyTorch's gate order is (r, z, n): r is the first block of hidden_size rows of the weights, z the "
          "second"): (1 - r) * t(i_n + z * h_n) + r * h,
        _("the candidate n uses tanh, not sigmoid"): (1 - z) * s(i_n + r * h_n) + z * h,
        _("the candidate needs its activation: n = tanh(W_in x + b_in + r*(W_hn h + b_hn))"):
            (1 - z) * (i_n + r * h_n) + z * h,
        _("the reset gate scales the recurrent part of the candidate: n = tanh(W_in x + b_in + r*(W_hn h + b_hn))"):
            (1 - z) * t(i_n + h_n) + z * h,
        _("{update}: the new state mixes the candidate n with the previous state h").format(update=update):
            (1 - z) * n,
        _("{update}: return the new state h', not the candidate n").format(update=update): n,
        _("weights are stored (3*hidden_size, in_features): use x @ weight_ih.T and h @ weight_hh.T, not .view or "
          ".reshape"): ref.gru_cell(x, h, w_ih.reshape(-1, 3 * H).T, w_hh.reshape(H, 3 * H).T, b_ih, b_hh),
    }
    variants.update({
        _("{update}: the candidate n is scaled by (1-z)").format(update=update): z * h + n,
        _("{update}: the previous state h is scaled by z").format(update=update): (1 - z) * n + h,
        _("r and z are gates between 0 and 1: use sigmoid for them (tanh only for the candidate n)"):
            (1 - t(i_z + h_z)) * t(i_n + t(i_r + h_r) * h_n) + t(i_z + h_z) * h,
        _("the update gate z is a gate: use sigmoid, not tanh"): (1 - t(i_z + h_z)) * n + t(i_z + h_z) * h,
        _("the reset gate r is a gate: use sigmoid, not tanh"): (1 - z) * t(i_n + t(i_r + h_r) * h_n) + z * h,
    })
    gi, gh = x @ w_ih.T + (0 if b_ih is None else b_ih), h @ w_hh.T + (0 if b_hh is None else b_hh)
    (j_r, j_z, j_n), (k_r, k_z, k_n) = [(g[:, 0::3], g[:, 1::3], g[:, 2::3]) for g in (gi, gh)]
    r3, z3 = s(j_r + k_r), s(j_z + k_z)
    variants[_("split the 3*hidden_size columns into 3 contiguous blocks (chunk(3, dim=1)), not every 3rd column "
               "(.view(batch, hidden_size, 3) interleaves the gates)")] = (1 - z3) * t(j_n + r3 * k_n) + z3 * h
    if x.shape[1] == H:
        variants[_("x goes with weight_ih and h with weight_hh: x @ weight_ih.T and h @ weight_hh.T")] = \
            cell_with_swapped_weights(x, h, w_ih, w_hh, b_ih, b_hh)
    if b_ih is not None:
        variants.update({
            _("add both biases: bias_hh is missing"): ref.gru_cell(x, h, w_ih, w_hh, b_ih, None),
            _("add both biases: bias_ih is missing"): ref.gru_cell(x, h, w_ih, w_hh, None, b_hh),
        })
    return variants


def diagnose_cell(impl, B, I, H, bias=True, seed=20240):
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    params = random_params(I, H, seed + 2)
    if not bias:
        params = params[:2] + (None, None)
    return first_match(impl.gru_cell(x, h, *params), cell_variants(x, h, *params))


@pytest.mark.item("gru_cell", weight=3)
@given(cell_inputs())
@example((random_tensor(1, 3, 4), random_tensor(2, 3, 5), random_params(4, 5, 3)))
@example((random_tensor(4, 1, 3), random_tensor(5, 1, 2), random_params(3, 2, 6)))  # a batch of one
def test_gru_cell_matches_reference(impl, inputs):
    """gru_cell follows PyTorch: n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h."""
    x, h, params = inputs
    x, h, params = x.clone(), h.clone(), tuple(p.clone() for p in params)  # the examples are shared: keep them intact
    expected = ref.gru_cell(x, h, *params)
    result = calling("gru_cell(x, h, ...)", lambda: impl.gru_cell(x, h, *params), {
        "shapes cannot be multiplied": lambda: diagnose_cell(impl, 2, 3, 3),  # a mix-up that square sizes allow
        "values to unpack (expected 3": _("split the 3*hidden_size columns into 3 blocks of hidden_size: "
                                          ".chunk(3, dim=1) or .split(hidden_size, dim=1) (.split(3, dim=1) makes "
                                          "blocks of 3 columns)")})
    check_shape(result, "gru_cell(x, h, ...)", h.shape, _("the new hidden state is (batch, hidden_size)"))
    assert_close_diagnosed(result, expected, "gru_cell(x, h, ...)",
                           lambda: diagnose_cell(impl, x.shape[0], x.shape[1], h.shape[1]))


@pytest.mark.item("gru_cell")
def test_gru_cell_leaves_inputs_unchanged(impl):
    """gru_cell leaves its arguments unchanged (no in-place update of h)."""
    x, h = random_tensor(30, 2, 3), random_tensor(31, 2, 4)
    check_inputs_unchanged(impl.gru_cell, (x, h, *random_params(3, 4, 32)),
                           ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"], "gru_cell(x, h, ...)",
                           _("return a new tensor: h_new = (1 - z) * n + z * h, not h.mul_(...) or h += ... "
                             "(the caller still needs its h)"))


@pytest.mark.item("gru_cell")
@given(cell_inputs())
def test_gru_cell_without_biases(impl, inputs):
    """gru_cell accepts bias_ih = bias_hh = None (a cell without biases)."""
    x, h, params = inputs
    args = (x, h, *params[:2], None, None)
    expected = ref.gru_cell(*args)
    try:
        result = impl.gru_cell(*args)
    except (StudentCodeError, TypeError) as exc:
        if not _is_type_error(exc) or "NoneType" not in _error_text(exc):
            raise
        fail(_("{call} failed.").format(call="gru_cell(x, h, weight_ih, weight_hh, None, None)"),
             _("a cell without biases"), _error_text(exc).splitlines()[0][:200],
             _("bias_ih and bias_hh may be None: add each bias only when it is not None"))
    check_shape(result, "gru_cell(x, h, weight_ih, weight_hh, None, None)", h.shape)
    assert_close_diagnosed(result, expected, "gru_cell(x, h, weight_ih, weight_hh, None, None)",
                           lambda: diagnose_cell(impl, x.shape[0], x.shape[1], h.shape[1], bias=False))


def saturated_params(I, H, seed, r_bias=None, z_bias=None):
    """Random parameters, except that gate r and/or z is a constant: sigmoid(r_bias), sigmoid(z_bias)."""
    w_ih, w_hh, b_ih, b_hh = random_params(I, H, seed)
    for k, value in ((0, r_bias), (1, z_bias)):
        if value is not None:
            rows = slice(k * H, (k + 1) * H)
            w_ih[rows], w_hh[rows], b_hh[rows], b_ih[rows] = 0, 0, 0, value
    return w_ih, w_hh, b_ih, b_hh


@pytest.mark.item("gru_cell")
@given(sizes, sizes, batches, seeds())
def test_gru_cell_update_gate_one_keeps_h(impl, I, H, B, seed):
    """With z = 1 gru_cell keeps the state (h' = h); with z = 0 it returns the candidate n."""
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    keep = saturated_params(I, H, seed + 2, z_bias=60.0)  # sigmoid(60) == 1 in float64
    assert_close(impl.gru_cell(x, h, *keep), h, _("gru_cell(x, h, ...) when z = 1 (it should equal h)"), mistakes={
        _("{update}: with z = 1 the state is copied; you swapped z and 1-z").format(update=_(_UPDATE)):
            ref.gru_cell(x, h, *saturated_params(I, H, seed + 2, z_bias=-60.0))})
    write = saturated_params(I, H, seed + 2, z_bias=-60.0)
    expected = ref.gru_cell(x, h, *write)
    assert_close(impl.gru_cell(x, h, *write), expected, _("gru_cell(x, h, ...) when z = 0 (it should equal n)"),
                 mistakes={_("{update}: with z = 0 the candidate n replaces the state; you swapped z and "
                             "1-z").format(update=_(_UPDATE)): h})


@pytest.mark.item("gru_cell")
@given(sizes, sizes, batches, seeds())
def test_gru_cell_reset_gate_zero(impl, I, H, B, seed):
    """With r = 0 the candidate ignores the whole recurrent term: n = tanh(W_in x + b_in), b_hn included."""
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    params = saturated_params(I, H, seed + 2, r_bias=-60.0)
    expected = ref.gru_cell(x, h, *params)
    (_i_r, i_z, i_n), (_h_r, h_z, h_n) = _blocks(x, h, *params)
    b_hh = params[3]
    z = torch.sigmoid(i_z + h_z)
    b_hn = b_hh[2 * H:]
    assert_close(impl.gru_cell(x, h, *params), expected, _("gru_cell(x, h, ...) when r = 0"), mistakes={
        _("{reset}: with r = 0 the bias b_hn vanishes too").format(reset=_(_RESET)):
            (1 - z) * torch.tanh(i_n + b_hn) + z * h,
        _("{reset}: with r = 0 the whole recurrent term W_hn h + b_hn vanishes").format(reset=_(_RESET)):
            (1 - z) * torch.tanh(i_n + h_n) + z * h,
    })


@pytest.mark.item("gru_cell")
@given(cell_inputs())
def test_gru_cell_float32(impl, inputs):
    """gru_cell works for float32 inputs and returns float32."""
    x, h, params = inputs
    result = impl.gru_cell(x.float(), h.float(), *[p.float() for p in params])
    what = _("{function} with float32 inputs").format(function="gru_cell")
    check_dtype(result, what)
    assert_close(result, ref.gru_cell(x, h, *params), what, atol=1e-4, rtol=1e-4)


@pytest.mark.item("gru_cell", weight=2)
@given(cell_inputs())
def test_gru_cell_gradients(impl, inputs):
    """Gradients flow through gru_cell to its input, hidden state and parameters."""
    x, h, params = inputs
    args = (x, h, *params)
    grad_output = random_tensor(7, *h.shape)
    got = impl.call_with_grad(impl.gru_cell, *args, grad_output=grad_output)
    leaves = [a.clone().requires_grad_() for a in args]
    ref.gru_cell(*leaves).backward(grad_output)
    check_grads(got.input_grads, ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"],
                [leaf.grad for leaf in leaves], "gru_cell")


@pytest.mark.item("gru_cell")
def test_gru_cell_rejects_bad_shapes(impl):
    """gru_cell raises ValueError when x or h is not 2-D or their batch sizes differ."""
    x, h, params = random_tensor(40, 2, 3), random_tensor(41, 2, 4), random_params(3, 4, 42)
    bad_shape = _("gru_cell with {arg} of shape {shape}")
    bad_batch = _("gru_cell with x of batch {x_batch} and h of batch {h_batch}")
    for what, bad_x, bad_h in ((bad_shape.format(arg="x", shape=(3,)), x[0], h),
                               (bad_shape.format(arg="x", shape=(1, 2, 3)), x[None], h),
                               (bad_shape.format(arg="h", shape=(4,)), x, h[0]),
                               (bad_shape.format(arg="h", shape=(1, 2, 4)), x, h[None]),
                               (bad_batch.format(x_batch=2, h_batch=3), x, random_tensor(43, 3, 4)),
                               (bad_batch.format(x_batch=1, h_batch=2), x[:1], h)):
        expect_value_error(lambda: impl.gru_cell(bad_x, bad_h, *params), what,
                           _("the task asks for it: check x.dim(), h.dim() and x.shape[0] == h.shape[0] first and "
                             "raise ValueError(...)"))


# -- GRUCell ---------------------------------------------------------------------------------

def reference_module(kind, input_size, hidden_size, seed, **kwargs):
    seed_torch(seed)
    return kind(input_size, hidden_size, **kwargs).double()


def check_gru_layout(module, reference, what, extra_hint=None, shape_hint=None):
    default_shapes = (lambda name: _("weights are (3*hidden_size, in_features), gates stacked by rows in the order "
                                     "(r, z, n)") if name.startswith("weight") else _("biases are (3*hidden_size,)"))
    return check_state_dict_layout(module, reference, what, extra_hint or _(LAYOUT_HINT),
                                   shape_hint or default_shapes)


@pytest.mark.item("GRUCell", weight=3)
@given(sizes, sizes, batches, st.booleans(), st.sampled_from(["given", "None", "omitted"]), seeds())
@example(3, 4, 2, True, "given", 0)
@example(3, 4, 2, False, "omitted", 0)
def test_grucell_matches_nn_grucell(impl, I, H, B, bias, h_kind, seed):
    """GRUCell(I, H, bias) is state-dict compatible with nn.GRUCell and computes the same (h None = zeros)."""
    reference = reference_module(nn.GRUCell, I, H, seed, bias=bias)
    module = impl.GRUCell(I, H, bias=bias)
    check_gru_layout(module, reference, f"GRUCell({I}, {H}, bias={bias})", lambda got, want: (
        _("bias=False: register bias_ih and bias_hh as None") if not bias and set(want) < set(got) else None))
    module.load_state_dict(reference.state_dict())
    module.double()
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    if h_kind == "given":
        expected, result, call = reference(x, h), module(x, h), "(x, h)"
    else:
        expected = reference(x)
        call = "(x, None)" if h_kind == "None" else "(x)"
        try:
            result = module(x, None) if h_kind == "None" else module(x)
        except (StudentCodeError, TypeError) as exc:
            if not _is_type_error(exc):
                raise
            fail(_("{call} failed.").format(call=f"GRUCell({I}, {H}, bias={bias}){call}"),
                 _("the step from h = zeros"), _error_text(exc).splitlines()[0][:200],
                 _("h is optional: def forward(self, x, h=None), and when h is None start from zeros, "
                   "x.new_zeros(batch, hidden_size)"))
    what = f"GRUCell({I}, {H}, bias={bias}){call}"
    check_shape(result, what, (B, H), _("the new hidden state is (batch, hidden_size)"))

    def mistakes():
        wrong = {}
        if h_kind == "given":
            wrong[_("start from the given h (zeros only when h is None)")] = reference(x)
        w = (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)
        h_used = h if h_kind == "given" else torch.zeros(B, H, dtype=F64)
        for hint, value in cell_variants(x, h_used, *[None if p is None else p.detach() for p in w]).items():
            if hint:
                wrong[_("the GRU step is wrong ({hint}); check gru_cell").format(hint=hint)] = value
        return wrong

    assert_close_explained(result, expected, what, mistakes)


@pytest.mark.item("GRUCell")
def test_grucell_float32(impl):
    """GRUCell works in float32, PyTorch's default dtype: float32 parameters and results, from h or from zeros."""
    for bias in (True, False):
        seed_torch(5)
        reference = nn.GRUCell(3, 4, bias=bias)
        module = impl.GRUCell(3, 4, bias=bias)
        what = f"GRUCell(3, 4, bias={bias})"
        check_default_dtype(module, what, reference)
        module.load_state_dict(reference.state_dict())
        x, h = random_tensor(50, 2, 3).float(), random_tensor(51, 2, 4).float()
        with torch.no_grad():
            expected = {"(x, h)": reference(x, h), "(x)": reference(x)}
        for call, result in (("(x, h)", module(x, h)), ("(x)", module(x))):
            label = _("{call} in float32").format(call=f"{what}{call}")
            check_dtype(result, label)
            assert_close(result, expected[call], label, atol=1e-5, rtol=1e-4)


@pytest.mark.item("GRUCell")
@given(sizes, sizes, batches, seeds())
def test_grucell_parameters_are_trainable(impl, I, H, B, seed):
    """GRUCell's parameters and input receive gradients (its weights are nn.Parameters)."""
    reference = reference_module(nn.GRUCell, I, H, seed)
    module = impl.GRUCell(I, H)
    module.load_state_dict(reference.state_dict())
    module.double()
    x, h = random_tensor(seed, B, I), random_tensor(seed + 1, B, H)
    grad_output = random_tensor(seed + 2, B, H)
    got = impl.call_with_grad(module, x, h, grad_output=grad_output)
    leaves = [x.clone().requires_grad_(), h.clone().requires_grad_()]
    reference(*leaves).backward(grad_output)
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of {module} received a gradient.").format(module="GRUCell"), sorted(expected),
             sorted(got.param_grads), _("store weights as nn.Parameter and use them (not copies) in forward"))
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, _("the gradient of {parameter}").format(parameter=f"GRUCell.{name}"))
    check_grads(got.input_grads, ["x", "h"], [leaf.grad for leaf in leaves], "GRUCell")


# -- GRU -------------------------------------------------------------------------------------

def gru_description(I, H, L, bias, batch_first, bidirectional):
    return f"GRU({I}, {H}, num_layers={L}, bias={bias}, batch_first={batch_first}, bidirectional={bidirectional})"


def direction_name(d):
    """The name of direction d, a message: "forward direction" or "reverse direction"."""
    return _("reverse direction") if d == 1 else _("forward direction")


def gru_layout_hint(got, want):
    """A hint for wrong state_dict keys of GRU (got, want: lists of names)."""
    if set(got) == set(want):
        return _("register the parameters in nn.GRU's order: layer by layer, the forward direction before "
                 "_reverse, and weight_ih, weight_hh, bias_ih, bias_hh within each")
    missing, extra = set(want) - set(got), set(got) - set(want)
    if missing and all(k.endswith("_reverse") for k in missing):
        return _("bidirectional=True adds a second set of parameters per layer, named with the suffix _reverse "
                 "(weight_ih_l0_reverse, weight_hh_l0_reverse, ...)")
    if extra and all(k.startswith("bias") for k in extra) and not missing:
        return _("bias=False: no bias parameters at all (bias_ih_l*, bias_hh_l*)")
    if missing and any("_l1" in k for k in missing):
        return _("every layer has its own parameters: weight_ih_l0, ..., then weight_ih_l1, ... (one set per layer)")
    return None


def gru_shape_hint(name, H, D):
    if name.startswith("weight_ih_l") and not name.startswith("weight_ih_l0"):
        return _("layers above 0 read the previous layer's output, num_directions*hidden_size = {features} "
                 "features: {name} is (3*hidden_size, {features})").format(features=D * H, name=name)
    if name.startswith("weight"):
        return _("weights are (3*hidden_size, in_features), gates stacked by rows in the order (r, z, n)")
    return _("biases are (3*hidden_size,)")


def check_gru_result(result, what, T, B, H, L, D, batch_first):
    """(output, h_n) with nn.GRU's shapes; returns output (time major) and h_n."""
    output, h_n = check_pair(result, what, "(output, h_n)")
    out_shape = (B, T, D * H) if batch_first else (T, B, D * H)
    got = tuple(output.shape) if isinstance(output, torch.Tensor) else None
    hint = (_("output is (batch, seq_len, num_directions*hidden_size) with batch_first=True") if batch_first
            else _("output is (seq_len, batch, num_directions*hidden_size)"))
    if got is not None and D == 2 and got[-1] == H:
        hint = _("a bidirectional GRU concatenates the forward and reverse outputs along the features: "
                 "the last dimension is 2*hidden_size")
    elif got is not None and batch_first and got == (T, B, D * H):
        hint = _("with batch_first=True, output is (batch, seq_len, features): transpose it back")
    check_shape(output, _("{name} of {what}").format(name="output", what=what), out_shape, hint)
    got = tuple(h_n.shape) if isinstance(h_n, torch.Tensor) else None
    hint = _("h_n holds the final state of every layer and direction: (num_layers*num_directions, batch, "
             "hidden_size)")
    if got == (L, D, B, H) or got == (D, L, B, H):
        hint = _("stack the final states along one dimension: h_n is (num_layers*num_directions, batch, hidden_size)")
    elif batch_first and got == (L * D, T, H) and T != B:
        hint = _("with batch_first=True, x is (batch, seq_len, input_size): step t is x[:, t]")
    elif batch_first and got == (B, L * D, H):
        hint = _("h_n is (num_layers*num_directions, batch, hidden_size) even when batch_first=True")
    elif got is not None and len(got) == 3 and got[0] in (1, L, D) and L * D > 1:
        hint = _("h_n holds the final state of EVERY layer and direction: (num_layers*num_directions, batch, "
                 "hidden_size), entry layer*num_directions + direction")
    elif got == (B, H):
        hint = _("keep the leading dimension: h_n is (num_layers*num_directions, batch, hidden_size)")
    check_shape(h_n, _("{name} of {what}").format(name="h_n", what=what), (L * D, B, H), hint)
    return (output.transpose(0, 1) if batch_first else output), h_n


def _cell_variant(hint):
    """A gru_cell with the classic mistake named by ``hint`` (for simulating a GRU built on it)."""
    def cell(x, h, w_ih, w_hh, b_ih, b_hh):
        return cell_variants(x, h, w_ih, w_hh, b_ih, b_hh)[hint]
    return cell


def simulate_gru(params, x, h0, L, D, H, batch_first, cell=ref.gru_cell, reverse_reads_forward=False,
                 reverse_not_reflipped=False, reverse_hn_at_end=False, h0_ignored=False, h0_direction_major=False,
                 hn_direction_major=False, h0_first_layer_only=False, concat_reverse_first=False,
                 upper_layers_read_x=False, reverse_uses_forward_weights=False, ignore_batch_first=False,
                 detach=False):
    """The (output, h_n) of a GRU with nn.GRU's parameters ``params`` (a state dict), possibly with mistakes."""
    xs = x.transpose(0, 1) if batch_first and not ignore_batch_first else x
    T, B, _features = xs.shape
    layer_input, finals = xs, {}
    for layer in range(L):
        outputs = []
        for d in range(D):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 and not reverse_uses_forward_weights else "")
            weights = [params.get(name + suffix) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            if h0 is None or h0_ignored or (h0_first_layer_only and layer > 0):
                h = xs.new_zeros(B, H)
            else:
                h = h0[d * L + layer if h0_direction_major else layer * D + d]
            steps = range(T) if d == 0 or reverse_reads_forward else range(T - 1, -1, -1)
            sequence, in_order = [None] * T, []
            for t in steps:
                h = cell(layer_input[t], h.detach() if detach else h, *weights)
                sequence[t] = h
                in_order.append(h)
            if d == 1 and reverse_not_reflipped:
                sequence = in_order
            finals[d * L + layer if hn_direction_major else layer * D + d] = (
                sequence[T - 1] if d == 1 and reverse_hn_at_end else h)
            outputs.append(torch.stack(sequence))
        layer_input = torch.cat(outputs[::-1] if concat_reverse_first else outputs, dim=2)
        if upper_layers_read_x and layer < L - 1:
            layer_input = xs
    output = layer_input
    if batch_first and not ignore_batch_first:
        output = output.transpose(0, 1)
    return output, torch.stack([finals[k] for k in range(L * D)])


def gru_variants(params, x, h0, L, D, H, batch_first):
    """{hint: (output, h_n) of a GRU with that classic mistake}; variants that cannot run are left out."""
    specs = {}
    if D == 2:
        specs[_("the reverse direction reads the sequence backwards, from the last step to the first")] = \
            dict(reverse_reads_forward=True)
        specs[_("reverse direction not re-reversed: its output for step t belongs at position t, so put its "
                "outputs back in the original time order (flip them after the backward pass)")] = \
            dict(reverse_not_reflipped=True)
        specs[_("h_n of the reverse direction is its state after reading the whole sequence backwards, "
                "which it reaches at position 0 (not at the last position)")] = dict(reverse_hn_at_end=True)
        specs[_("concatenate [forward, reverse] along the features: output[..., :hidden_size] is the forward "
                "direction")] = dict(concat_reverse_first=True)
        specs[_("the reverse direction has its own parameters (weight_ih_l0_reverse, ...)")] = \
            dict(reverse_uses_forward_weights=True)
    if h0 is not None:
        specs[_("start from the given h0 (zeros only when h0 is None)")] = dict(h0_ignored=True)
        if L > 1:
            specs[_("every layer and direction starts from its own slice h0[layer*num_directions + direction]")] = \
                dict(h0_first_layer_only=True)
        if L > 1 and D > 1:
            specs[_("h0 is ordered layer by layer: h0[layer*num_directions + direction] "
                    "(h0.view(num_layers, num_directions, batch, hidden_size))")] = \
                dict(h0_direction_major=True, hn_direction_major=True)
    if L > 1 and D > 1:
        specs[_("h_n is ordered layer by layer: h_n[layer*num_directions + direction] "
                "(h_n.view(num_layers, num_directions, batch, hidden_size))")] = dict(hn_direction_major=True)
    if L > 1:
        specs[_("layer k > 0 reads the output sequence of layer k-1 (all directions concatenated), not x")] = \
            dict(upper_layers_read_x=True)
    if batch_first:
        specs[_("with batch_first=True, x is (batch, seq_len, input_size): step t is x[:, t]")] = \
            dict(ignore_batch_first=True)
    x_tm = x.transpose(0, 1) if batch_first else x
    step_hints = cell_variants(x_tm[0], x_tm.new_zeros(x_tm.shape[1], H), params["weight_ih_l0"],
                               params["weight_hh_l0"], params.get("bias_ih_l0"), params.get("bias_hh_l0"))
    for cell_hint in step_hints:
        specs[_("the GRU step is wrong ({hint}); check gru_cell").format(hint=cell_hint)] = \
            dict(cell=_cell_variant(cell_hint))
    variants = {}
    for hint, kwargs in specs.items():
        try:
            with torch.no_grad():
                variants[hint] = simulate_gru(params, x, h0, L, D, H, batch_first, **kwargs)
        except Exception:  # e.g. shapes that do not allow this mistake
            continue
    return variants


GRU_CONFIGS = dict(I=sizes, H=sizes, B=batches, T=lengths, L=st.integers(1, 2), bidirectional=st.booleans(),
                   batch_first=st.booleans(), bias=st.booleans())


@pytest.mark.item("GRU", weight=3)
@given(I=sizes, H=sizes, L=st.integers(1, 3), bidirectional=st.booleans(), bias=st.booleans())
@example(I=3, H=4, L=2, bidirectional=True, bias=True)
@example(I=3, H=4, L=2, bidirectional=True, bias=False)
def test_gru_state_dict_matches_nn_gru(impl, I, H, L, bidirectional, bias):
    """GRU's parameters have nn.GRU's names, order and shapes (weight_ih_l1_reverse, ...)."""
    reference = nn.GRU(I, H, num_layers=L, bias=bias, bidirectional=bidirectional)
    module = impl.GRU(I, H, num_layers=L, bias=bias, batch_first=False, bidirectional=bidirectional)
    what = gru_description(I, H, L, bias, False, bidirectional)
    check_state_dict_layout(module, reference, what, gru_layout_hint,
                            lambda name: gru_shape_hint(name, H, 2 if bidirectional else 1))


@pytest.mark.item("GRU")
@given(**GRU_CONFIGS, seed=seeds())
@example(I=3, H=4, B=2, T=5, L=2, bidirectional=True, batch_first=True, bias=True, seed=0)
def test_gru_returns_output_and_h_n(impl, I, H, B, T, L, bidirectional, batch_first, bias, seed):
    """GRU returns (output, h_n) with nn.GRU's shapes: h_n is (num_layers*num_directions, batch, hidden)."""
    module = impl.GRU(I, H, num_layers=L, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    module.double()
    x = random_tensor(seed, *((B, T, I) if batch_first else (T, B, I)))
    what = _("{module} on x of shape {shape}").format(
        module=gru_description(I, H, L, bias, batch_first, bidirectional), shape=tuple(x.shape))
    check_gru_result(module(x), what, T, B, H, L, 2 if bidirectional else 1, batch_first)


@pytest.mark.item("GRU", weight=3)
@given(**GRU_CONFIGS, h0_kind=st.sampled_from(["given", "None", "omitted"]), seed=seeds())
@example(I=3, H=4, B=2, T=5, L=2, bidirectional=True, batch_first=False, bias=True, h0_kind="given", seed=0)
@example(I=3, H=4, B=2, T=5, L=1, bidirectional=True, batch_first=False, bias=True, h0_kind="None", seed=1)
@example(I=3, H=4, B=2, T=5, L=2, bidirectional=True, batch_first=True, bias=False, h0_kind="given", seed=2)
@example(I=3, H=4, B=2, T=5, L=2, bidirectional=False, batch_first=True, bias=True, h0_kind="omitted", seed=3)
@example(I=3, H=4, B=2, T=5, L=1, bidirectional=False, batch_first=False, bias=False, h0_kind="given", seed=4)
def test_gru_matches_nn_gru_per_layer_and_direction(impl, I, H, B, T, L, bidirectional, batch_first, bias, h0_kind,
                                                    seed):
    """GRU computes what nn.GRU computes with the same weights, for every layer and direction, from h0 or zeros."""
    D = 2 if bidirectional else 1
    kwargs = dict(num_layers=L, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    reference = reference_module(nn.GRU, I, H, seed, **kwargs)
    module = impl.GRU(I, H, **kwargs)
    description = gru_description(I, H, L, bias, batch_first, bidirectional)
    check_state_dict_layout(module, reference, description, gru_layout_hint, lambda name: gru_shape_hint(name, H, D))
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(seed, *((B, T, I) if batch_first else (T, B, I)))
    h0 = random_tensor(seed + 1, L * D, B, H) if h0_kind == "given" else None
    with torch.no_grad():
        expected, expected_h = reference(x, h0)
    if h0_kind == "given":
        result, call = module(x, h0), "(x, h0)"
    else:
        result, call = (module(x, None), "(x, None)") if h0_kind == "None" else (module(x), "(x)")
    what = f"{description}{call}"
    output, h_n = check_gru_result(result, what, T, B, H, L, D, batch_first)
    expected = expected.transpose(0, 1) if batch_first else expected
    params = {k: v.detach() for k, v in reference.state_dict().items()}
    cache = {}

    def variants():
        if not cache:
            cache.update(gru_variants(params, x, h0, L, D, H, batch_first))
        return cache

    def time_major(out):
        return out.transpose(0, 1) if batch_first else out

    for layer in range(L):
        for d in range(D):
            k = layer * D + d
            assert_close_explained(
                h_n[k], expected_h[k],
                _("layer {layer}, {direction} differs: its final state h_n[{k}] of {what}").format(
                    layer=layer, direction=direction_name(d), k=k, what=what),
                lambda k=k: {hint: h[k] for hint, (_out, h) in variants().items()})
    for d in range(D):
        features = slice(d * H, (d + 1) * H)
        part = f"output[..., {d * H}:{(d + 1) * H}]"
        assert_close_explained(
            output[..., features], expected[..., features],
            _("layer {layer} (the last layer), {direction} differs: its outputs {part} of {what}").format(
                layer=L - 1, direction=direction_name(d), part=part, what=what),
            lambda features=features: {hint: time_major(out)[..., features]
                                       for hint, (out, _h) in variants().items()})


@pytest.mark.item("GRU")
@given(**GRU_CONFIGS, seed=seeds())
def test_gru_float32(impl, I, H, B, T, L, bidirectional, batch_first, bias, seed):
    """GRU works in float32, PyTorch's default dtype: float32 parameters, output and h_n."""
    D = 2 if bidirectional else 1
    kwargs = dict(num_layers=L, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    seed_torch(seed)
    reference = nn.GRU(I, H, **kwargs)
    module = impl.GRU(I, H, **kwargs)
    check_default_dtype(module, gru_description(I, H, L, bias, batch_first, bidirectional), reference)
    module.load_state_dict(reference.state_dict())
    x = random_tensor(seed, *((B, T, I) if batch_first else (T, B, I))).float()
    h0 = random_tensor(seed + 1, L * D, B, H).float()
    with torch.no_grad():
        expected, expected_h = reference(x, h0)
    what = _("{call} in float32").format(call=f"{gru_description(I, H, L, bias, batch_first, bidirectional)}(x, h0)")
    output, h_n = check_gru_result(module(x, h0), what, T, B, H, L, D, batch_first)
    output_what = _("{name} of {what}").format(name="output", what=what)
    h_n_what = _("{name} of {what}").format(name="h_n", what=what)
    check_dtype(output, output_what)
    check_dtype(h_n, h_n_what)
    assert_close(output, expected.transpose(0, 1) if batch_first else expected, output_what, atol=1e-4, rtol=1e-4)
    assert_close(h_n, expected_h, h_n_what, atol=1e-4, rtol=1e-4)


@pytest.mark.item("GRU")
def test_gru_leaves_inputs_unchanged(impl):
    """GRU leaves x and h0 unchanged (h_n is a new tensor, not written into h0)."""
    for batch_first in (False, True):
        seed_torch(6)
        module = impl.GRU(3, 4, num_layers=2, batch_first=batch_first, bidirectional=True)
        x = random_tensor(60, *((2, 5, 3) if batch_first else (5, 2, 3))).float()
        check_inputs_unchanged(module, (x, random_tensor(61, 4, 2, 4).float()), ["x", "h0"],
                               f"GRU(3, 4, num_layers=2, batch_first={batch_first}, bidirectional=True)(x, h0)",
                               _("build h_n from the final states (torch.stack) instead of writing them into h0, "
                                 "and never change x in place"))


@pytest.mark.item("GRU", weight=2)
@given(**GRU_CONFIGS, seed=seeds())
@example(I=3, H=4, B=2, T=5, L=2, bidirectional=True, batch_first=False, bias=True, seed=0)
def test_gru_gradients_through_time(impl, I, H, B, T, L, bidirectional, batch_first, bias, seed):
    """Gradients flow back through every step, layer and direction of GRU to x, h0 and every parameter."""
    D = 2 if bidirectional else 1
    kwargs = dict(num_layers=L, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    reference = reference_module(nn.GRU, I, H, seed, **kwargs)
    module = impl.GRU(I, H, **kwargs)
    module.load_state_dict(reference.state_dict())
    module.double()
    x = random_tensor(seed, *((B, T, I) if batch_first else (T, B, I)))
    h0 = random_tensor(seed + 1, L * D, B, H)
    grad_output = (random_tensor(seed + 2, *x.shape[:2], D * H), random_tensor(seed + 3, L * D, B, H))
    got = impl.call_with_grad(module, x, h0, grad_output=grad_output)
    leaves = [x.clone().requires_grad_(), h0.clone().requires_grad_()]
    torch.autograd.backward(reference(*leaves), grad_output)
    expected = {n: p.grad for n, p in reference.named_parameters()}
    if sorted(got.param_grads) != sorted(expected):
        fail(_("Not every parameter of {module} received a gradient.").format(module="GRU"), sorted(expected),
             sorted(got.param_grads), _("store weights as nn.Parameter, use them (not copies) in forward, and use "
                                        "every layer and direction"))
    what = gru_description(I, H, L, bias, batch_first, bidirectional)

    def detached():
        leaf = x.clone().requires_grad_()
        params = dict(reference.named_parameters())
        out = simulate_gru(params, leaf, h0, L, D, H, batch_first, detach=True)
        (grad,) = torch.autograd.grad(out, [leaf], grad_output)
        return {_("do not .detach() the state between steps: gradients must flow back through time"): grad}

    for name, index in (("x", 0), ("h0", 1)):
        if got.input_grads[index] is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function=what), _("a gradient"),
                 "None", _("h0 reaches the results only through every step: do not .detach() the state between "
                           "steps") if name == "h0" else _(_NO_DETACH))
    results_gradient = _("the gradient of {module}'s results with respect to {arg}")
    assert_close_explained(got.input_grads[0], leaves[0].grad, results_gradient.format(module=what, arg="x"),
                           detached)
    assert_close(got.input_grads[1], leaves[1].grad, results_gradient.format(module=what, arg="h0"))
    for name, grad in expected.items():
        assert_close(got.param_grads[name], grad, _("the gradient of {parameter}").format(parameter=f"{what}.{name}"))


# -- count_parameters ------------------------------------------------------------------------

def _tied_lm(V, D):
    """An embedding and an output layer that share one weight (weight tying)."""
    model = nn.Sequential(nn.Embedding(V, D), nn.Linear(D, V))
    model[1].weight = model[0].weight
    return model


MODULE_KINDS = {
    "GRU": lambda a, b, c: nn.GRU(a, b, num_layers=1 + c % 2, bidirectional=c % 3 == 0),
    "LSTM": lambda a, b, c: nn.LSTM(a, b, num_layers=1 + c % 2, bias=c % 4 != 1),
    "Linear": lambda a, b, c: nn.Linear(a, b, bias=c % 3 != 2),
    # The names are shown to students (translated where used: _(kind)).
    N_("GRU + Linear head"): lambda a, b, c: nn.Sequential(nn.GRU(a, b), nn.Linear(b, c)),
    N_("BatchNorm1d (it has buffers)"): lambda a, b, c: nn.BatchNorm1d(a + b),
    "Embedding + GRU + LayerNorm": lambda a, b, c: nn.ModuleList([nn.Embedding(c + 2, a), nn.GRU(a, b),
                                                                  nn.LayerNorm(b)]),
    N_("Embedding and Linear with a tied weight"): lambda a, b, c: _tied_lm(a + c, b),
    N_("ReLU (no parameters)"): lambda a, b, c: nn.ReLU(),
}


def count_mistakes(module):
    """{hint: count a classic mistake gives}, most specific first."""
    params = list(module.parameters())
    trainable = [p for p in params if p.requires_grad]
    all_named = [p for _name, p in module.named_parameters(remove_duplicate=False)]
    return {
        _("a shared (tied) parameter counts once: module.parameters() lists it once"):
            sum(p.numel() for p in all_named if p.requires_grad),
        _("count the parameters of submodules too: module.parameters() recurses into them"):
            sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad),
        _("count only trainable parameters: skip those with requires_grad=False"): sum(p.numel() for p in params),
        _("count the parameters with requires_grad=True (you counted the frozen ones)"):
            sum(p.numel() for p in params if not p.requires_grad),
        _("count scalars: add p.numel() for every trainable parameter, not 1 per tensor"): len(trainable),
        _("buffers (running_mean, running_var, ...) are not parameters, and frozen parameters are not trainable: "
          "iterate over module.parameters(), not state_dict()"): sum(t.numel() for t in module.state_dict().values()),
    }


def build_module(kind, a, b, c, seed, frozen):
    """A module of ``kind`` whose parameters are each frozen with probability ``frozen``."""
    seed_torch(seed)
    module = MODULE_KINDS[kind](a, b, c)
    gen = torch.Generator().manual_seed(seed)
    for p in module.parameters():
        if float(torch.rand((), generator=gen)) < frozen:
            p.requires_grad_(False)
    return module


def check_count(impl, module, description):
    expected = sum(p.numel() for p in module.parameters() if p.requires_grad)
    result = impl.count_parameters(impl.trusted(module))
    if isinstance(result, torch.Tensor) and result.numel() == 1 and not result.is_floating_point():
        fail(_("count_parameters({module}) should return a Python int.").format(module=description),
             _("int {count}").format(count=expected), describe(result),
             _("return a Python int (sum(p.numel() for ...) is one; use int(...) or .item() on a tensor)"))
    if not isinstance(result, int) or isinstance(result, bool):
        fail(_("count_parameters({module}) should return a Python int.").format(module=description),
             _("int {count}").format(count=expected), describe(result),
             _("return a Python int: p.numel() is an int, and so is their sum"))
    if result != expected:
        hint = next((h for h, wrong in count_mistakes(module).items() if wrong == result and wrong != expected), None)
        fail(_("count_parameters({module}) is wrong.").format(module=description), expected, result, hint)


@pytest.mark.item("count_parameters")
@given(kind=st.sampled_from(sorted(MODULE_KINDS)), a=sizes, b=sizes, c=sizes,
       frozen=st.sampled_from([0.0, 0.3, 0.6, 1.0]), seed=seeds())
@example(kind="BatchNorm1d (it has buffers)", a=3, b=4, c=2, frozen=0.0, seed=0)
@example(kind="LSTM", a=3, b=4, c=2, frozen=0.5, seed=0)
@example(kind="Embedding and Linear with a tied weight", a=3, b=4, c=2, frozen=0.0, seed=0)
@example(kind="Embedding + GRU + LayerNorm", a=3, b=4, c=2, frozen=0.0, seed=0)
def test_count_parameters_counts_trainable_scalars(impl, kind, a, b, c, frozen, seed):
    """count_parameters is the number of trainable scalars: parameters with requires_grad, shared ones once."""
    module = build_module(kind, a, b, c, seed, frozen)
    frozen_count = sum(not p.requires_grad for p in module.parameters())
    check_count(impl, module, _("a {module} with {count} frozen parameter tensor(s)").format(module=_(kind),
                                                                                              count=frozen_count))


@pytest.mark.item("count_parameters")
@given(sizes, sizes)
def test_count_parameters_gru_is_three_quarters_of_lstm(impl, I, H):
    """count_parameters gives 3*(HI + H^2 + 2H) for nn.GRU(I, H) and 4*(...) for nn.LSTM(I, H)."""
    check_count(impl, nn.GRU(I, H), f"nn.GRU({I}, {H})")
    check_count(impl, nn.LSTM(I, H), f"nn.LSTM({I}, {H})")


# -- layer_norm ------------------------------------------------------------------------------

def _normalize(x, dims, eps, correction=0):
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=correction)
    return (x - mean) / torch.sqrt(var + eps)


def layer_norm_mistakes(x, weight, bias, eps):
    d = x.shape[-1]
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, correction=0)
    mistakes = {}
    if d > 1:
        mistakes[_("use the biased variance: divide by D, not D-1 (x.var(dim=-1, unbiased=False))")] = \
            _normalize(x, -1, eps, correction=1) * weight + bias
    if x.dim() > 1:
        mistakes[_("normalize over the wrong dimension: each example is normalized over its features, the last "
                   "dimension (dim=-1), not over the batch (dim 0)")] = _normalize(x, 0, eps) * weight + bias
    if x.dim() > 2:
        mistakes[_("normalize over the wrong dimension: only the last one (dim=-1); for x of shape (batch, seq_len, "
                   "D) each (b, t) vector of D features separately")] = \
            _normalize(x, tuple(range(1, x.dim())), eps) * weight + bias
        for k in range(1, x.dim() - 1):
            mistakes[_("normalize over the wrong dimension: the last one (dim=-1), not dim {k}").format(k=k)] = \
                _normalize(x, k, eps) * weight + bias
    if x.dim() > 1:
        mistakes[_("normalize over the wrong dimension: over the last dimension of each vector, not over the whole "
                   "tensor at once")] = _normalize(x, tuple(range(x.dim())), eps) * weight + bias
    mistakes.update({
        _("eps goes inside the square root: (x - mean) / sqrt(var + eps)"):
            (x - mean) / (var.sqrt() + eps) * weight + bias,
        _("use the eps argument (do not hard-code 1e-5 or leave it out)"): _normalize(x, -1, 1e-5) * weight + bias,
        _("add eps to the variance: (x - mean) / sqrt(var + eps)"): _normalize(x, -1, 0.0) * weight + bias,
        _("divide by the standard deviation sqrt(var + eps), not by the variance"):
            (x - mean) / (var + eps) * weight + bias,
        _("scale by weight, then shift by bias: normalized * weight + bias"): _normalize(x, -1, eps) * bias + weight,
        _("apply the affine transform: normalized * weight + bias"): _normalize(x, -1, eps),
    })
    return mistakes


def layer_norm_inputs(shape, seed):
    d = shape[-1]
    x = random_tensor(seed, *shape, scale=3.0) + random_tensor(seed + 1, *shape[:-1], 1)  # rows with their own means
    return x, random_tensor(seed + 2, d) + 1.0, random_tensor(seed + 3, d)


shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
eps_values = st.sampled_from([1e-5, 1e-3, 0.1, 1.0])


@pytest.mark.item("layer_norm", weight=3)
@given(shape=shapes, eps=eps_values, seed=seeds())
@example(shape=(4, 5), eps=1e-5, seed=0)
@example(shape=(3, 4, 5), eps=1e-5, seed=1)
@example(shape=(4, 6), eps=0.1, seed=2)
def test_layer_norm_matches_f_layer_norm(impl, shape, eps, seed):
    """layer_norm matches F.layer_norm over the last dimension, with the biased variance and the given eps."""
    x, weight, bias = layer_norm_inputs(shape, seed)
    expected = F.layer_norm(x, x.shape[-1:], weight, bias, eps)
    what = _("layer_norm(x, weight, bias, eps={eps:g}) for x of shape {shape}").format(eps=eps, shape=tuple(shape))
    assert_close_explained(impl.layer_norm(x, weight, bias, eps), expected, what,
                           lambda: layer_norm_mistakes(x, weight, bias, eps))


@pytest.mark.item("layer_norm")
def test_layer_norm_leaves_inputs_unchanged(impl):
    """layer_norm leaves x, weight and bias unchanged (no in-place centering or scaling)."""
    x, weight, bias = layer_norm_inputs((2, 3, 5), 70)
    check_inputs_unchanged(lambda *args: impl.layer_norm(*args, 1e-5), (x, weight, bias), ["x", "weight", "bias"],
                           "layer_norm(x, weight, bias)",
                           _("x -= mean changes the caller's tensor: write centered = x - mean (a new tensor)"))


@pytest.mark.item("layer_norm")
@given(shape=shapes, seed=seeds())
def test_layer_norm_default_eps(impl, shape, seed):
    """layer_norm's eps defaults to 1e-5."""
    x, weight, bias = layer_norm_inputs(shape, seed)
    x = x * 1e-3  # a small variance, where eps matters
    expected = F.layer_norm(x, x.shape[-1:], weight, bias, 1e-5)
    assert_close(impl.layer_norm(x, weight, bias), expected,
                 _("layer_norm(x, weight, bias) with the default eps, x of shape {shape} and small "
                   "variance").format(shape=tuple(shape)),
                 mistakes={(_("the default eps is 1e-5, as in nn.LayerNorm: yours is larger (about {eps:g})")
                            if eps > 1e-5 else
                            _("the default eps is 1e-5, as in nn.LayerNorm: yours is smaller (about {eps:g}, or "
                              "missing)")).format(eps=eps): F.layer_norm(x, x.shape[-1:], weight, bias, eps)
                           for eps in (1e-12, 1e-8, 1e-6, 1e-4, 1e-3)})


@pytest.mark.item("layer_norm")
@given(shape=shapes, eps=eps_values, seed=seeds())
def test_layer_norm_constant_rows_give_bias(impl, shape, eps, seed):
    """A constant vector has zero variance: layer_norm returns bias there (eps keeps it finite)."""
    _x, weight, bias = layer_norm_inputs(shape, seed)
    x = random_tensor(seed, *shape[:-1], 1).expand(shape).contiguous()
    result = impl.layer_norm(x, weight, bias, eps)
    assert_close(result, bias.expand(shape),
                 _("layer_norm of constant rows (x of shape {shape}, eps={eps:g})").format(shape=tuple(shape), eps=eps),
                 mistakes={_("normalize over the wrong dimension: each vector over its own last dimension"):
                           _normalize(x, 0, eps) * weight + bias if x.dim() > 1 else None})


@pytest.mark.item("layer_norm")
@given(shape=shapes, eps=eps_values, seed=seeds())
def test_layer_norm_float32(impl, shape, eps, seed):
    """layer_norm works for float32 inputs and returns float32."""
    x, weight, bias = layer_norm_inputs(shape, seed)
    expected = F.layer_norm(x, x.shape[-1:], weight, bias, eps)
    result = impl.layer_norm(x.float(), weight.float(), bias.float(), eps)
    what = _("layer_norm with float32 inputs of shape {shape}").format(shape=tuple(shape))
    check_dtype(result, what)
    assert_close(result, expected, what, atol=1e-4, rtol=1e-4)


@pytest.mark.item("layer_norm", weight=2)
@given(shape=shapes, eps=eps_values, seed=seeds())
def test_layer_norm_gradients(impl, shape, eps, seed):
    """Gradients flow through layer_norm to x, weight and bias (through the mean and variance too)."""
    x, weight, bias = layer_norm_inputs(shape, seed)
    grad_output = random_tensor(seed + 5, *shape)
    got = impl.call_with_grad(impl.layer_norm, x, weight, bias, eps, grad_output=grad_output)
    leaves = [a.clone().requires_grad_() for a in (x, weight, bias)]
    F.layer_norm(leaves[0], shape[-1:], leaves[1], leaves[2], eps).backward(grad_output)
    for name, grad, leaf in zip(("x", "weight", "bias"), got.input_grads, leaves):
        if grad is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function="layer_norm"),
                 _("a gradient"), "None", _(_NO_DETACH))
    if got.input_grads[0] is not None:
        detached_stats = (leaves[1] * grad_output / torch.sqrt(x.var(-1, keepdim=True, correction=0) + eps))
        assert_close(got.input_grads[0], leaves[0].grad,
                     _("the gradient of {function} with respect to {arg}").format(function="layer_norm", arg="x"),
                     mistakes={_("do not .detach() the mean or variance: the gradient flows through them too"):
                               detached_stats})
    check_grads(got.input_grads[1:3], ["weight", "bias"], [leaves[1].grad, leaves[2].grad], "layer_norm")


# -- weight_norm -----------------------------------------------------------------------------

def weight_norm_inputs(shape, seed):
    v = random_tensor(seed, *shape)
    g = random_tensor(seed + 1, shape[0], *([1] * (len(shape) - 1))) + 0.5
    return v, g


def torch_weight_normed(v, g):
    """parametrizations.weight_norm(dim=0) with the parameters (g, v): the trusted reference."""
    holder = nn.Module()
    holder.weight = nn.Parameter(v.clone())
    torch_weight_norm(holder, "weight", dim=0)
    with torch.no_grad():
        holder.parametrizations.weight.original0.copy_(g)
        holder.parametrizations.weight.original1.copy_(v)
    return holder.weight.detach()


def weight_norm_mistakes(v, g):
    rest = tuple(range(1, v.dim()))
    norm = torch.linalg.vector_norm(v, dim=rest, keepdim=True)
    mistakes = {
        _("norm over the wrong dimension: ||v|| is the norm of each output row v[k] (over every dimension but 0), "
          "not of each column (dim 0)"): g * v / torch.linalg.vector_norm(v, dim=0, keepdim=True),
        _("norm over the wrong dimension: one norm per output row v[k], not one for the whole tensor"):
            g * v / torch.linalg.vector_norm(v),
        _("divide by the norm ||v||, not its square"): g * v / norm ** 2,
        _("w = g * v / ||v||: divide by the norm, do not multiply"): g * v * norm,
        _("w = g * v / ||v||: multiply by g"): v / norm,
    }
    for k in rest:
        if v.dim() > 2:
            mistakes[_("norm over the wrong dimension: over every dimension but 0, here dims {dims}, not only dim "
                       "{k}").format(dims=rest, k=k)] = g * v / torch.linalg.vector_norm(v, dim=k, keepdim=True)
    return mistakes


@pytest.mark.item("weight_norm", weight=3)
@given(out_features=sizes, in_features=sizes, seed=seeds())
@example(out_features=4, in_features=3, seed=0)
@example(out_features=3, in_features=3, seed=1)
def test_weight_norm_matches_parametrization(impl, out_features, in_features, seed):
    """weight_norm(v, g) = g * v / ||v|| with one norm per output row, as parametrizations.weight_norm(dim=0)."""
    v, g = weight_norm_inputs((out_features, in_features), seed)
    what = _("weight_norm(v, g) for v of shape {v_shape} and g of shape {g_shape}").format(
        v_shape=tuple(v.shape), g_shape=tuple(g.shape))
    expected = torch_weight_normed(v, g)
    assert_close_explained(impl.weight_norm(v, g), expected, what, lambda: weight_norm_mistakes(v, g))


@pytest.mark.item("weight_norm")
def test_weight_norm_leaves_inputs_unchanged(impl):
    """weight_norm leaves v and g unchanged (no in-place normalization of v)."""
    v, g = weight_norm_inputs((4, 3), 80)
    check_inputs_unchanged(impl.weight_norm, (v, g), ["v", "g"], "weight_norm(v, g)",
                           _("v /= norm changes the caller's tensor (PyTorch keeps v as the parameter): "
                             "return g * v / norm, a new tensor"))


@pytest.mark.item("weight_norm")
@given(out_features=sizes, in_features=sizes, seed=seeds())
def test_weight_norm_rows_have_length_g(impl, out_features, in_features, seed):
    """Each output row of weight_norm(v, g) has L2 norm |g| and the direction of v."""
    v, g = weight_norm_inputs((out_features, in_features), seed)
    w = impl.weight_norm(v, g)
    check_shape(w, "weight_norm(v, g)", v.shape, _("w has the shape of v"))
    by_column = g * v / torch.linalg.vector_norm(v, dim=0, keepdim=True)
    assert_close(torch.linalg.vector_norm(w, dim=1, keepdim=True), g.abs(),
                 _("the L2 norms of the rows of weight_norm(v, g)"), mistakes={
                     _("norm over the wrong dimension: normalize each output row v[k] (over dim 1), not each column"):
                         torch.linalg.vector_norm(by_column, dim=1, keepdim=True)})


@pytest.mark.item("weight_norm")
@given(shape=st.tuples(sizes, sizes, st.integers(2, 4)), seed=seeds())
@example(shape=(5, 3, 2), seed=0)
def test_weight_norm_conv_weights(impl, shape, seed):
    """weight_norm works for conv weights v: (out, in, k), g: (out, 1, 1): the norm is over every dimension but 0."""
    v, g = weight_norm_inputs(shape, seed)
    what = _("weight_norm(v, g) for v of shape {v_shape} and g of shape {g_shape}").format(
        v_shape=tuple(v.shape), g_shape=tuple(g.shape))
    expected = torch_weight_normed(v, g)
    result = impl.weight_norm(v, g)
    check_shape(result, what, v.shape, _("w has the shape of v: if you flatten v to (out, -1) for the norm, "
                                         "reshape the result back (or take the norm over dims 1, 2, ... with "
                                         "keepdim=True)"))
    assert_close_explained(result, expected, what, lambda: weight_norm_mistakes(v, g))


@pytest.mark.item("weight_norm")
@given(out_features=sizes, in_features=sizes, seed=seeds())
def test_weight_norm_float32(impl, out_features, in_features, seed):
    """weight_norm works for float32 inputs and returns float32."""
    v, g = weight_norm_inputs((out_features, in_features), seed)
    result = impl.weight_norm(v.float(), g.float())
    what = _("{function} with float32 inputs").format(function="weight_norm")
    check_dtype(result, what)
    assert_close(result, torch_weight_normed(v, g), what, atol=1e-4, rtol=1e-4)


@pytest.mark.item("weight_norm", weight=2)
@given(shape=st.one_of(st.tuples(sizes, sizes), st.tuples(sizes, sizes, st.integers(2, 3))), seed=seeds())
def test_weight_norm_gradients(impl, shape, seed):
    """Gradients flow through weight_norm to v (through the norm too) and to g, as with PyTorch's weight_norm."""
    v, g = weight_norm_inputs(shape, seed)
    grad_output = random_tensor(seed + 2, *shape)
    got = impl.call_with_grad(impl.weight_norm, v, g, grad_output=grad_output)
    module = nn.Module()
    module.weight = nn.Parameter(v.clone())
    torch_weight_norm(module, "weight", dim=0)
    with torch.no_grad():
        module.parametrizations.weight.original0.copy_(g)
    module.weight.backward(grad_output)
    g_leaf, v_leaf = module.parametrizations.weight.original0, module.parametrizations.weight.original1
    for name, grad in (("v", got.input_grads[0]), ("g", got.input_grads[1])):
        if grad is None:
            fail(_("No gradient reached {arg} through {function}.").format(arg=name, function="weight_norm"),
                 _("a gradient"), "None", _(_NO_DETACH))
    norm = torch.linalg.vector_norm(v, dim=tuple(range(1, v.dim())), keepdim=True)
    gradient = _("the gradient of {function} with respect to {arg}")
    assert_close(got.input_grads[0], v_leaf.grad, gradient.format(function="weight_norm", arg="v"), mistakes={
        _("do not .detach() the norm: the gradient with respect to v flows through ||v|| too"): g * grad_output / norm})
    assert_close(got.input_grads[1], g_leaf.grad, gradient.format(function="weight_norm", arg="g"))


# -- the promises of each item, the check that holds it to each, and a sample that breaks only that one --------

_NO_GRU = "does not use the forbidden built-ins nn.GRU*, torch.gru*"
_BOTH_DTYPES = "float32 and float64 inputs, the result in the input's dtype"

CLAUSES = [
    Clause("gru_cell", "PyTorch's update h' = (1-z)*n + z*h", "test_gru_cell_matches_reference",
           "gru_cell_z_swapped"),
    Clause("gru_cell", "the reset gate scales W_hn h + b_hn, after the product", "test_gru_cell_matches_reference",
           "gru_cell_reset_before_matmul"),
    Clause("gru_cell", "gate order (r, z, n) in the rows of the weights", "test_gru_cell_matches_reference",
           "gru_cell_gate_order_zrn"),
    Clause("gru_cell", "returns (batch, hidden_size), for any batch size >= 1", "test_gru_cell_matches_reference",
           "gru_cell_squeezes_batch"),
    Clause("gru_cell", _NO_GRU, "test_gru_cell_matches_reference", "uses_torch_gru_cell"),
    Clause("gru_cell", "does not modify its arguments", "test_gru_cell_leaves_inputs_unchanged",
           "gru_cell_updates_h_in_place"),
    Clause("gru_cell", "bias_ih and bias_hh may be None", "test_gru_cell_without_biases", "gru_cell_requires_biases"),
    Clause("gru_cell", _BOTH_DTYPES, "test_gru_cell_float32", "gru_cell_returns_float64"),
    Clause("gru_cell", "differentiable in x, h and every parameter", "test_gru_cell_gradients", "gru_cell_detaches_h"),
    Clause("gru_cell", "raises ValueError when x or h is not 2-D or their batch sizes differ",
           "test_gru_cell_rejects_bad_shapes", "gru_cell_no_shape_checks"),

    Clause("GRUCell", "state-dict compatible with nn.GRUCell (names, order, shapes)", "test_grucell_matches_nn_grucell",
           "grucell_transposed_weights"),
    Clause("GRUCell", "bias=False: bias_ih and bias_hh are None, no bias parameters",
           "test_grucell_matches_nn_grucell", "grucell_bias_false_zero_biases"),
    Clause("GRUCell", "forward(x, h=None): h may be None or omitted, zeros then", "test_grucell_matches_nn_grucell",
           "grucell_h_required"),
    Clause("GRUCell", _NO_GRU, "test_grucell_matches_nn_grucell", "grucell_uses_torch_gru_cell"),
    Clause("GRUCell", "float32 and float64: parameters in the default dtype, results in the input's",
           "test_grucell_float32", "grucell_float64_parameters"),
    Clause("GRUCell", "its weights are trainable nn.Parameters", "test_grucell_parameters_are_trainable",
           "grucell_weights_as_buffers"),

    Clause("GRU", "state-dict names, order and shapes as nn.GRU (layers above 0 read num_directions*hidden)",
           "test_gru_state_dict_matches_nn_gru", "gru_upper_layers_input_size"),
    Clause("GRU", "h_n is (num_layers*num_directions, batch, hidden_size)", "test_gru_returns_output_and_h_n",
           "gru_h_n_last_layer_only"),
    Clause("GRU", "batch_first=True: x and output are (batch, seq_len, features)", "test_gru_returns_output_and_h_n",
           "gru_batch_first_output_time_major"),
    Clause("GRU", _NO_GRU, "test_gru_returns_output_and_h_n", "uses_nn_gru"),
    Clause("GRU", "the reverse direction reads the sequence from its end",
           "test_gru_matches_nn_gru_per_layer_and_direction", "gru_reverse_reads_forward"),
    Clause("GRU", "the reverse direction's outputs are in the original time order",
           "test_gru_matches_nn_gru_per_layer_and_direction", "gru_reverse_not_rereversed"),
    Clause("GRU", "h_n of the reverse direction is its state at position 0",
           "test_gru_matches_nn_gru_per_layer_and_direction", "gru_reverse_final_state_at_end"),
    Clause("GRU", "h_n is ordered layer by layer: index layer*num_directions + direction",
           "test_gru_matches_nn_gru_per_layer_and_direction", "gru_h_n_direction_major"),
    Clause("GRU", "every layer and direction starts from its own slice of h0",
           "test_gru_matches_nn_gru_per_layer_and_direction", "gru_h0_first_layer_only"),
    Clause("GRU", "float32 and float64: parameters in the default dtype, results in the input's", "test_gru_float32",
           "gru_float64_parameters"),
    Clause("GRU", "does not modify x or h0", "test_gru_leaves_inputs_unchanged", "gru_writes_h_n_into_h0"),
    Clause("GRU", "gradients flow through every step to x, h0 and every parameter", "test_gru_gradients_through_time",
           "gru_detaches_state"),

    Clause("count_parameters", "counts trainable parameters only (requires_grad)",
           "test_count_parameters_counts_trainable_scalars", "count_parameters_includes_frozen"),
    Clause("count_parameters", "buffers are not parameters", "test_count_parameters_counts_trainable_scalars",
           "count_parameters_state_dict"),
    Clause("count_parameters", "a shared (tied) parameter counts once",
           "test_count_parameters_counts_trainable_scalars", "count_parameters_counts_tied_twice"),
    Clause("count_parameters", "counts scalars (numel), not tensors", "test_count_parameters_counts_trainable_scalars",
           "count_parameters_counts_tensors"),
    Clause("count_parameters", "includes the parameters of submodules",
           "test_count_parameters_counts_trainable_scalars", "count_parameters_top_level_only"),
    Clause("count_parameters", "returns a Python int", "test_count_parameters_counts_trainable_scalars",
           "count_parameters_returns_tensor"),

    Clause("layer_norm", "normalizes each vector over the last dimension", "test_layer_norm_matches_f_layer_norm",
           "layer_norm_over_batch"),
    Clause("layer_norm", "x of any shape (..., D)", "test_layer_norm_matches_f_layer_norm", "layer_norm_over_dim_1"),
    Clause("layer_norm", "the biased variance (divide by D)", "test_layer_norm_matches_f_layer_norm",
           "layer_norm_unbiased_variance"),
    Clause("layer_norm", "eps inside the square root: (x - mean) / sqrt(var + eps)",
           "test_layer_norm_matches_f_layer_norm", "layer_norm_eps_outside_sqrt"),
    Clause("layer_norm", "normalized * weight + bias", "test_layer_norm_matches_f_layer_norm",
           "layer_norm_affine_swapped"),
    Clause("layer_norm", "does not use the forbidden built-ins F.layer_norm, nn.LayerNorm, torch.layer_norm",
           "test_layer_norm_matches_f_layer_norm", "uses_f_layer_norm"),
    Clause("layer_norm", "does not modify x, weight or bias", "test_layer_norm_leaves_inputs_unchanged",
           "layer_norm_centers_x_in_place"),
    Clause("layer_norm", "eps defaults to 1e-5", "test_layer_norm_default_eps", "layer_norm_default_eps_too_small"),
    Clause("layer_norm", _BOTH_DTYPES, "test_layer_norm_float32", "layer_norm_returns_float64"),
    Clause("layer_norm", "differentiable in x (through the mean and variance), weight and bias",
           "test_layer_norm_gradients", "layer_norm_detached_statistics"),

    Clause("weight_norm", "one norm per output row, not per column", "test_weight_norm_matches_parametrization",
           "weight_norm_over_columns"),
    Clause("weight_norm", "w = g * v / ||v||", "test_weight_norm_matches_parametrization",
           "weight_norm_sum_of_squares"),
    Clause("weight_norm", "does not use the forbidden built-ins torch.nn.utils.*weight_norm, torch._weight_norm",
           "test_weight_norm_matches_parametrization", "uses_torch_weight_norm"),
    Clause("weight_norm", "does not modify v or g", "test_weight_norm_leaves_inputs_unchanged",
           "weight_norm_normalizes_v_in_place"),
    Clause("weight_norm", "v of any rank >= 2: the norm is over every dimension but 0", "test_weight_norm_conv_weights",
           "weight_norm_dim1_only"),
    Clause("weight_norm", "returns w with the shape of v", "test_weight_norm_conv_weights",
           "weight_norm_flattens_conv_weights"),
    Clause("weight_norm", _BOTH_DTYPES, "test_weight_norm_float32", "weight_norm_returns_float64"),
    Clause("weight_norm", "differentiable in v (through the norm too) and g", "test_weight_norm_gradients",
           "weight_norm_detached_norm"),
]
