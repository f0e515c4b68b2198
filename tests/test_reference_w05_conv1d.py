"""The week-5 reference solutions agree with PyTorch's built-ins and follow the notebook layout."""
import math
import random

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.testing import assert_close

from reference_rules import aten_ops, assert_no_forbidden_ops, attributes_used, check_solution_layout
from solutions import w05_conv1d as ref

ITEMS = ["conv1d", "conv1d_output_length", "Conv1d", "receptive_field", "causal_conv1d"]
# aten operators (substrings) whose appearance means a forbidden built-in ran, directly or indirectly.
FORBIDDEN_OPS = ("conv",)

DTYPE = torch.float64


def grads(outputs, inputs):
    return torch.autograd.grad(outputs, inputs)


# --------------------------------------------------------------------------- layout


def test_module_layout_matches_notebook_rules():
    check_solution_layout(ref, ITEMS)


def test_no_forbidden_attributes_in_source():
    bad = {name for name in attributes_used(ref) if "conv" in name.lower()}
    assert not bad, bad


def test_forbidden_op_detection_works():
    assert any("conv" in op for op in aten_ops(lambda: F.conv1d(torch.randn(1, 1, 4), torch.randn(1, 1, 2))))


def test_no_forbidden_ops_at_runtime():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, requires_grad=True)
    layer = ref.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2)
    assert_no_forbidden_ops(lambda: layer(x).sum().backward(), FORBIDDEN_OPS)
    w = torch.randn(4, 3, 2, requires_grad=True)
    assert_no_forbidden_ops(lambda: ref.causal_conv1d(x, w, dilation=3).sum().backward(), FORBIDDEN_OPS)


# --------------------------------------------------------------------------- conv1d


def test_lecture_example():
    x = torch.tensor([[[1.0, 3, 3, 0, 1, 2]]], dtype=DTYPE)
    w = torch.tensor([[[2.0, 0, 1]]], dtype=DTYPE)
    assert_close(ref.conv1d(x, w), torch.tensor([[[5.0, 6, 7, 2]]], dtype=DTYPE))
    assert_close(ref.conv1d(x, w), F.conv1d(x, w))


CONV_CONFIGS = [
    # stride, padding, dilation, bias
    (1, 0, 1, True),
    (1, 0, 1, False),
    (2, 0, 1, True),
    (1, 2, 1, True),
    (1, 0, 3, True),
    (3, 2, 2, True),
    (2, 1, 2, False),
    (4, 3, 1, True),
]


@pytest.mark.parametrize("stride,padding,dilation,bias", CONV_CONFIGS)
def test_conv1d_matches_F_conv1d_with_gradients(stride, padding, dilation, bias):
    torch.manual_seed(1)
    x = torch.randn(2, 3, 11, dtype=DTYPE, requires_grad=True)
    w = torch.randn(4, 3, 3, dtype=DTYPE, requires_grad=True)
    b = torch.randn(4, dtype=DTYPE, requires_grad=True) if bias else None
    ours = ref.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    theirs = F.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    assert ours.shape == theirs.shape
    assert_close(ours, theirs)
    upstream = torch.randn_like(theirs)
    inputs = [x, w] + ([b] if bias else [])
    for a, c in zip(grads((ours * upstream).sum(), inputs), grads((theirs * upstream).sum(), inputs)):
        assert_close(a, c)


def test_conv1d_random_sweep_and_output_length():
    rng = random.Random(2)
    torch.manual_seed(2)
    for _ in range(60):
        k, s, p, d = rng.randint(1, 5), rng.randint(1, 4), rng.randint(0, 3), rng.randint(1, 3)
        length = rng.randint(max(1, d * (k - 1) + 1 - 2 * p), 20)
        c_in, c_out, batch = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 3)
        x = torch.randn(batch, c_in, length, dtype=DTYPE)
        w = torch.randn(c_out, c_in, k, dtype=DTYPE)
        b = torch.randn(c_out, dtype=DTYPE) if rng.random() < 0.5 else None
        theirs = F.conv1d(x, w, b, stride=s, padding=p, dilation=d)
        assert_close(ref.conv1d(x, w, b, s, p, d), theirs)
        assert ref.conv1d_output_length(length, k, s, p, d) == theirs.shape[-1]


def test_conv1d_float32_and_kernel_size_one():
    torch.manual_seed(3)
    x, w, b = torch.randn(1, 2, 5), torch.randn(3, 2, 1), torch.randn(3)
    out = ref.conv1d(x, w, b)
    assert out.dtype == torch.float32
    assert_close(out, F.conv1d(x, w, b))


# --------------------------------------------------------------------------- conv1d_output_length


@pytest.mark.parametrize("args,expected", [
    ((6, 3), 4),                # the lecture example
    ((10, 3, 2), 4),            # floor(7 / 2) + 1
    ((10, 3, 2, 1), 5),         # floor(9 / 2) + 1
    ((10, 3, 1, 0, 2), 6),      # span 5
    ((7, 2, 3, 1, 2), 3),       # floor(6 / 3) + 1
    ((5, 5), 1),
    ((1, 3, 1, 1), 1),          # "same" padding
    ((16, 4, 4), 4),
])
def test_conv1d_output_length_hand_computed(args, expected):
    value = ref.conv1d_output_length(*args)
    assert type(value) is int and value == expected


# --------------------------------------------------------------------------- Conv1d


@pytest.mark.parametrize("stride,padding,dilation,bias", CONV_CONFIGS)
def test_Conv1d_matches_nn_conv1d(stride, padding, dilation, bias):
    torch.manual_seed(4)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, bias=bias)
    theirs = nn.Conv1d(3, 5, 3, **kwargs).to(DTYPE)
    ours = ref.Conv1d(3, 5, 3, **kwargs).to(DTYPE)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, v.shape) for k, v in theirs.state_dict().items()]
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 3, 12, dtype=DTYPE, requires_grad=True)
    out_ours, out_theirs = ours(x), theirs(x)
    assert_close(out_ours, out_theirs)
    upstream = torch.randn_like(out_theirs)
    g_ours = grads((out_ours * upstream).sum(), [x] + list(ours.parameters()))
    g_theirs = grads((out_theirs * upstream).sum(), [x] + list(theirs.parameters()))
    for a, c in zip(g_ours, g_theirs):
        assert_close(a, c)


def test_Conv1d_initialisation_like_nn_conv1d():
    torch.manual_seed(5)
    ours = ref.Conv1d(8, 16, 4)
    bound = 1 / math.sqrt(8 * 4)
    assert ours.weight.abs().max() <= bound and ours.bias.abs().max() <= bound
    # uniform(-bound, bound) has standard deviation bound / sqrt(3)
    assert abs(ours.weight.std().item() - bound / math.sqrt(3)) < 0.2 * bound
    assert ours(torch.randn(1, 8, 10)).shape == (1, 16, 7)


# --------------------------------------------------------------------------- receptive_field


@pytest.mark.parametrize("args,expected", [
    (([3],), 3),
    (([3, 3],), 5),
    (([3, 3, 3], [1, 2, 4]), 15),         # 1 + 2 + 4 + 8
    (([2, 2, 2, 2], [1, 2, 4, 8]), 16),   # WaveNet block
    (([3, 3], None, [2, 1]), 7),          # 1 + 2 + 2*2
    (([4, 3, 3], None, [2, 2, 1]), 16),   # 1 + 3 + 2*2 + 2*4
    (([5], [2], [3]), 9),                 # the last stride never matters
    (([], None, None), 1),
])
def test_receptive_field_hand_computed(args, expected):
    value = ref.receptive_field(*args)
    assert type(value) is int and value == expected


@pytest.mark.parametrize("kernel_sizes,dilations,strides", [
    ([3, 3, 3], [1, 2, 4], [1, 1, 1]),
    ([4, 3, 2], [1, 2, 1], [2, 2, 1]),
    ([2, 5], [3, 1], [3, 1]),
])
def test_receptive_field_equals_gradient_support_of_a_stack(kernel_sizes, dilations, strides):
    torch.manual_seed(6)
    x = torch.randn(1, 1, 80, dtype=DTYPE, requires_grad=True)
    h = x
    for k, d, s in zip(kernel_sizes, dilations, strides):
        h = F.conv1d(h, torch.rand(1, 1, k, dtype=DTYPE) + 0.1, stride=s, dilation=d)
    (g,) = grads(h[0, 0, 0], [x])
    support = g[0, 0].nonzero().flatten()
    assert support[-1].item() - support[0].item() + 1 == ref.receptive_field(kernel_sizes, dilations, strides)


# --------------------------------------------------------------------------- causal_conv1d


@pytest.mark.parametrize("kernel_size,dilation,bias", [(1, 1, True), (2, 1, True), (3, 1, False), (3, 2, True),
                                                        (4, 3, True)])
def test_causal_conv1d_is_left_padded_conv(kernel_size, dilation, bias):
    torch.manual_seed(7)
    x = torch.randn(2, 3, 10, dtype=DTYPE, requires_grad=True)
    w = torch.randn(4, 3, kernel_size, dtype=DTYPE, requires_grad=True)
    b = torch.randn(4, dtype=DTYPE, requires_grad=True) if bias else None
    ours = ref.causal_conv1d(x, w, b, dilation=dilation)
    theirs = F.conv1d(F.pad(x, (dilation * (kernel_size - 1), 0)), w, b, dilation=dilation)
    assert ours.shape == (2, 4, 10)
    assert_close(ours, theirs)
    inputs = [x, w] + ([b] if bias else [])
    for a, c in zip(grads(ours.sum(), inputs), grads(theirs.sum(), inputs)):
        assert_close(a, c)


@pytest.mark.parametrize("kernel_size,dilation", [(2, 1), (3, 2), (4, 3)])
def test_causal_conv1d_never_looks_ahead(kernel_size, dilation):
    torch.manual_seed(8)
    x = torch.randn(1, 2, 12, dtype=DTYPE)
    w = torch.randn(3, 2, kernel_size, dtype=DTYPE)
    base = ref.causal_conv1d(x, w, dilation=dilation)
    for t in range(12):
        changed = x.clone()
        changed[..., t] += 5.0
        out = ref.causal_conv1d(changed, w, dilation=dilation)
        assert_close(out[..., :t], base[..., :t])  # earlier outputs never change
        assert not torch.allclose(out[..., t], base[..., t])  # output t ends at input t


def test_causal_conv1d_last_tap_reads_the_current_step():
    x = torch.arange(1.0, 7.0, dtype=DTYPE).view(1, 1, 6)
    last_only = torch.tensor([[[0.0, 0.0, 1.0]]], dtype=DTYPE)
    assert_close(ref.causal_conv1d(x, last_only, dilation=2), x)
    first_only = torch.tensor([[[1.0, 0.0, 0.0]]], dtype=DTYPE)  # reads x[t - 4]
    assert_close(ref.causal_conv1d(x, first_only, dilation=2),
                 torch.tensor([[[0.0, 0, 0, 0, 1, 2]]], dtype=DTYPE))


# --------------------------------------------------------------------------- bad arguments


def test_bad_arguments_raise_value_error():
    x, w = torch.randn(1, 2, 8), torch.randn(3, 2, 3)
    with pytest.raises(ValueError):
        ref.conv1d(torch.randn(2, 8), w)  # x not 3-D
    with pytest.raises(ValueError):
        ref.conv1d(x, torch.randn(3, 2))  # weight not 3-D
    with pytest.raises(ValueError):
        ref.conv1d(torch.randn(1, 4, 8), w)  # channel mismatch
    with pytest.raises(ValueError):
        ref.conv1d(x, w, torch.randn(2))  # bias size
    with pytest.raises(ValueError):
        ref.conv1d(x, w, stride=0)
    with pytest.raises(ValueError):
        ref.conv1d(torch.randn(1, 2, 2), w)  # kernel longer than the input
    with pytest.raises(ValueError):
        ref.conv1d_output_length(10, 3, stride=0)
    with pytest.raises(ValueError):
        ref.conv1d_output_length(2, 5)
    with pytest.raises(ValueError):
        ref.receptive_field([3, 3], dilations=[1])
    with pytest.raises(ValueError):
        ref.causal_conv1d(torch.randn(2, 8), w)
    with pytest.raises(ValueError):
        ref.Conv1d(2, 3, 3)(torch.randn(2, 8))
