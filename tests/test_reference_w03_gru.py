"""The week-3 reference solutions agree with PyTorch's built-ins and follow the notebook layout."""
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import weight_norm as torch_weight_norm
from torch.testing import assert_close

from reference_rules import aten_ops, assert_no_forbidden_ops, attributes_used, check_solution_layout
from solutions import w03_gru as ref

ITEMS = ["gru_cell", "GRUCell", "GRU", "count_parameters", "layer_norm", "weight_norm"]
# aten operators (substrings) whose appearance means a forbidden built-in ran, directly or indirectly.
FORBIDDEN_OPS = ("gru", "layer_norm", "weight_norm", "norm_except_dim")
# Attribute names that must not appear in the solutions (``nn.GRU``, ``F.layer_norm``, ...).
FORBIDDEN_ATTRS = {"GRU", "GRUCell", "gru", "gru_cell", "layer_norm", "LayerNorm", "weight_norm", "_weight_norm",
                   "norm_except_dim", "parametrizations"}

DTYPE = torch.float64


def grads(outputs, inputs):
    return torch.autograd.grad(outputs, inputs)


# --------------------------------------------------------------------------- layout


def test_module_layout_matches_notebook_rules():
    check_solution_layout(ref, ITEMS)


def test_no_forbidden_attributes_in_source():
    assert not attributes_used(ref) & FORBIDDEN_ATTRS, attributes_used(ref) & FORBIDDEN_ATTRS


def test_forbidden_op_detection_works():
    ops = aten_ops(lambda: nn.GRU(3, 4)(torch.randn(2, 1, 3)))
    assert any("gru" in op for op in ops)
    ops = aten_ops(lambda: F.layer_norm(torch.randn(2, 3), (3,)))
    assert any("layer_norm" in op for op in ops)


def test_no_forbidden_ops_at_runtime():
    torch.manual_seed(0)
    model = ref.GRU(3, 4, num_layers=2, bidirectional=True)
    assert_no_forbidden_ops(lambda: model(torch.randn(5, 2, 3))[0].sum().backward(), FORBIDDEN_OPS)
    cell = ref.GRUCell(3, 4)
    assert_no_forbidden_ops(lambda: cell(torch.randn(2, 3)).sum().backward(), FORBIDDEN_OPS)
    x, w, b = torch.randn(2, 5), torch.randn(5), torch.randn(5)
    assert_no_forbidden_ops(lambda: ref.layer_norm(x, w, b), FORBIDDEN_OPS)
    v, g = torch.randn(4, 3, requires_grad=True), torch.rand(4, 1, requires_grad=True)
    assert_no_forbidden_ops(lambda: ref.weight_norm(v, g).sum().backward(), FORBIDDEN_OPS)


# --------------------------------------------------------------------------- gru_cell / GRUCell


@pytest.mark.parametrize("bias", [True, False])
def test_gru_cell_matches_nn_grucell(bias):
    torch.manual_seed(1)
    cell = nn.GRUCell(5, 7, bias=bias).to(DTYPE)
    x = torch.randn(4, 5, dtype=DTYPE, requires_grad=True)
    h = torch.randn(4, 7, dtype=DTYPE, requires_grad=True)
    ours = ref.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    theirs = cell(x, h)
    assert_close(ours, theirs)
    upstream = torch.randn_like(theirs)
    params = [x, h] + list(cell.parameters())
    for a, b in zip(grads((ours * upstream).sum(), params), grads((theirs * upstream).sum(), params)):
        assert_close(a, b)


def test_gru_cell_works_in_float32_and_batch_one():
    torch.manual_seed(2)
    cell = nn.GRUCell(3, 4)
    x, h = torch.randn(1, 3), torch.randn(1, 4)
    ours = ref.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    assert ours.dtype == torch.float32 and ours.shape == (1, 4)
    assert_close(ours, cell(x, h))


@pytest.mark.parametrize("bias", [True, False])
def test_GRUCell_is_state_dict_compatible(bias):
    torch.manual_seed(3)
    theirs = nn.GRUCell(5, 6, bias=bias).to(DTYPE)
    ours = ref.GRUCell(5, 6, bias=bias).to(DTYPE)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, v.shape) for k, v in theirs.state_dict().items()]
    ours.load_state_dict(theirs.state_dict())
    x, h = torch.randn(3, 5, dtype=DTYPE), torch.randn(3, 6, dtype=DTYPE)
    assert_close(ours(x, h), theirs(x, h))
    assert_close(ours(x), theirs(x))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.shape == q.shape


def test_GRUCell_initialisation_range():
    torch.manual_seed(4)
    cell = ref.GRUCell(10, 16)
    bound = 1 / math.sqrt(16)
    for p in cell.parameters():
        assert p.abs().max() <= bound
        assert p.std() > bound / 4  # actually random, not constant


# --------------------------------------------------------------------------- GRU

GRU_CONFIGS = [
    # num_layers, bidirectional, batch_first, bias, with_h0
    (1, False, False, True, False),
    (1, False, False, True, True),
    (2, False, False, True, True),
    (1, True, False, True, False),
    (2, True, False, True, True),
    (2, True, True, True, True),
    (2, True, False, False, True),
    (1, False, True, False, False),
    (3, True, True, False, False),
]


@pytest.mark.parametrize("num_layers,bidirectional,batch_first,bias,with_h0", GRU_CONFIGS)
def test_GRU_matches_nn_gru(num_layers, bidirectional, batch_first, bias, with_h0):
    torch.manual_seed(5)
    kwargs = dict(num_layers=num_layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    theirs = nn.GRU(4, 5, **kwargs).to(DTYPE)
    ours = ref.GRU(4, 5, **kwargs).to(DTYPE)
    ours.load_state_dict(theirs.state_dict())
    seq_len, batch, dirs = 6, 3, 2 if bidirectional else 1
    shape = (batch, seq_len, 4) if batch_first else (seq_len, batch, 4)
    x = torch.randn(shape, dtype=DTYPE, requires_grad=True)
    h0 = torch.randn(num_layers * dirs, batch, 5, dtype=DTYPE, requires_grad=True) if with_h0 else None

    out_ours, hn_ours = ours(x, h0)
    out_theirs, hn_theirs = theirs(x, h0)
    assert out_ours.shape == out_theirs.shape
    assert hn_ours.shape == hn_theirs.shape == (num_layers * dirs, batch, 5)
    assert_close(out_ours, out_theirs)
    assert_close(hn_ours, hn_theirs)

    w_out, w_hn = torch.randn_like(out_theirs), torch.randn_like(hn_theirs)
    inputs = [x] + ([h0] if with_h0 else [])
    g_ours = grads((out_ours * w_out).sum() + (hn_ours * w_hn).sum(), inputs + list(ours.parameters()))
    g_theirs = grads((out_theirs * w_out).sum() + (hn_theirs * w_hn).sum(), inputs + list(theirs.parameters()))
    for a, b in zip(g_ours, g_theirs):
        assert_close(a, b)


@pytest.mark.parametrize("bias", [True, False])
def test_GRU_parameter_names_order_and_shapes_match(bias):
    theirs = nn.GRU(3, 4, num_layers=3, bias=bias, bidirectional=True)
    ours = ref.GRU(3, 4, num_layers=3, bias=bias, bidirectional=True)
    assert [(k, v.shape) for k, v in ours.named_parameters()] == \
        [(k, v.shape) for k, v in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "weight_ih_l1_reverse" in ours.state_dict()
    assert ours.weight_ih_l1.shape == (12, 8)  # later layers read both directions


def test_GRU_initialisation_range_and_float32():
    torch.manual_seed(6)
    ours = ref.GRU(3, 9, num_layers=2, bidirectional=True)
    for p in ours.parameters():
        assert p.abs().max() <= 1 / 3
    out, h_n = ours(torch.randn(4, 1, 3))
    assert out.dtype == torch.float32 and out.shape == (4, 1, 18) and h_n.shape == (4, 1, 9)


def test_GRU_reverse_direction_reads_the_sequence_backwards():
    # The reverse half of output[0] must depend on every time step, the forward half only on step 0.
    torch.manual_seed(7)
    ours = ref.GRU(2, 3, bidirectional=True).to(DTYPE)
    x = torch.randn(5, 1, 2, dtype=DTYPE, requires_grad=True)
    out, _ = ours(x)
    (g_fwd,) = torch.autograd.grad(out[0, 0, :3].sum(), [x], retain_graph=True)
    (g_bwd,) = torch.autograd.grad(out[0, 0, 3:].sum(), [x])
    assert (g_fwd[1:] == 0).all() and (g_fwd[0] != 0).any()
    assert all((g_bwd[t] != 0).any() for t in range(5))


# --------------------------------------------------------------------------- count_parameters


def test_count_parameters():
    gru = nn.GRU(10, 20)
    assert ref.count_parameters(gru) == sum(p.numel() for p in gru.parameters()) == 3 * 20 * (10 + 20 + 2)
    assert isinstance(ref.count_parameters(gru), int)
    deep = ref.GRU(10, 20, num_layers=2, bidirectional=True)
    assert ref.count_parameters(deep) == ref.count_parameters(nn.GRU(10, 20, num_layers=2, bidirectional=True))
    frozen = nn.Linear(4, 3)
    frozen.bias.requires_grad_(False)
    assert ref.count_parameters(frozen) == 12


# --------------------------------------------------------------------------- layer_norm


@pytest.mark.parametrize("shape,eps", [((4, 7), 1e-5), ((2, 3, 5), 1e-5), ((6,), 1e-3), ((2, 1, 1), 1e-5)])
def test_layer_norm_matches_F_layer_norm(shape, eps):
    torch.manual_seed(8)
    x = (torch.randn(shape, dtype=DTYPE) * 3 + 1).requires_grad_()
    weight = torch.randn(shape[-1], dtype=DTYPE, requires_grad=True)
    bias = torch.randn(shape[-1], dtype=DTYPE, requires_grad=True)
    ours = ref.layer_norm(x, weight, bias, eps)
    theirs = F.layer_norm(x, x.shape[-1:], weight, bias, eps)
    assert_close(ours, theirs)
    upstream = torch.randn_like(theirs)
    for a, b in zip(grads((ours * upstream).sum(), [x, weight, bias]),
                    grads((theirs * upstream).sum(), [x, weight, bias])):
        assert_close(a, b)


def test_layer_norm_default_eps_and_float32():
    x, w, b = torch.randn(3, 4), torch.rand(4), torch.randn(4)
    assert_close(ref.layer_norm(x, w, b), F.layer_norm(x, (4,), w, b))


# --------------------------------------------------------------------------- weight_norm


@pytest.mark.parametrize("make", [lambda: nn.Linear(6, 4), lambda: nn.Conv1d(3, 5, 2)])
def test_weight_norm_matches_parametrization(make):
    torch.manual_seed(9)
    module = torch_weight_norm(make().to(DTYPE), dim=0)
    with torch.no_grad():
        module.parametrizations.weight.original0.mul_(torch.rand_like(module.parametrizations.weight.original0) + 0.5)
    g = module.parametrizations.weight.original0
    v = module.parametrizations.weight.original1
    ours = ref.weight_norm(v, g)
    theirs = module.weight
    assert_close(ours, theirs)
    upstream = torch.randn_like(theirs)
    for a, b in zip(grads((ours * upstream).sum(), [g, v]), grads((theirs * upstream).sum(), [g, v])):
        assert_close(a, b)


def test_weight_norm_rows_have_norm_g():
    torch.manual_seed(10)
    v, g = torch.randn(5, 3, dtype=DTYPE), torch.rand(5, 1, dtype=DTYPE)
    assert_close(ref.weight_norm(v, g).norm(dim=1, keepdim=True), g)


# --------------------------------------------------------------------------- bad arguments


def test_bad_arguments_raise_value_error():
    w_ih, w_hh, b = torch.randn(12, 3), torch.randn(12, 4), torch.randn(12)
    with pytest.raises(ValueError):
        ref.gru_cell(torch.randn(3), torch.randn(1, 4), w_ih, w_hh, b, b)  # x not 2-D
    with pytest.raises(ValueError):
        ref.gru_cell(torch.randn(2, 3), torch.randn(3, 4), w_ih, w_hh, b, b)  # batch mismatch
    with pytest.raises(ValueError):
        ref.gru_cell(torch.randn(2, 5), torch.randn(2, 4), w_ih, w_hh, b, b)  # input size mismatch
    gru = ref.GRU(3, 4, num_layers=2)
    with pytest.raises(ValueError):
        gru(torch.randn(5, 3))  # not 3-D
    with pytest.raises(ValueError):
        gru(torch.randn(5, 2, 6))  # wrong input_size
    with pytest.raises(ValueError):
        gru(torch.randn(5, 2, 3), torch.randn(1, 2, 4))  # h0 needs num_layers entries
    with pytest.raises(ValueError):
        ref.layer_norm(torch.randn(2, 3), torch.randn(4), torch.randn(3))
    with pytest.raises(ValueError):
        ref.layer_norm(torch.tensor(1.0), torch.randn(1), torch.randn(1))
    with pytest.raises(ValueError):
        ref.weight_norm(torch.randn(4), torch.randn(4))
    with pytest.raises(ValueError):
        ref.weight_norm(torch.randn(4, 3), torch.randn(3, 1))
