"""Week 5: convolution over time.

Each top-level definition below is one graded item of ``assignments/w05_conv1d``;
its source is copied verbatim into the notebook's answer cell.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """1-D cross-correlation, like ``F.conv1d`` with ``groups=1`` and integer padding.

    out[b, o, t] = bias[o] + sum_{c, k} weight[o, c, k] * x_padded[b, c, t*stride + k*dilation]

    x: (batch, in_channels, length), weight: (out_channels, in_channels, kernel_size)
    bias: (out_channels,) or None
    returns: (batch, out_channels, out_length) with
    out_length = floor((length + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1
    """
    ### BEGIN SOLUTION
    if x.dim() != 3:
        raise ValueError(f"x must be 3-D (batch, in_channels, length), got {tuple(x.shape)}")
    if weight.dim() != 3:
        raise ValueError(f"weight must be 3-D (out_channels, in_channels, kernel_size), got {tuple(weight.shape)}")
    out_channels, in_channels, kernel_size = weight.shape
    if x.shape[1] != in_channels:
        raise ValueError(f"x has {x.shape[1]} channels but weight expects {in_channels}")
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"bias must be ({out_channels},), got {tuple(bias.shape)}")
    if stride < 1 or dilation < 1 or padding < 0:
        raise ValueError(f"need stride >= 1, dilation >= 1, padding >= 0, got {stride}, {dilation}, {padding}")
    if padding > 0:
        x = F.pad(x, (padding, padding))
    span = dilation * (kernel_size - 1) + 1
    if x.shape[2] < span:
        raise ValueError(f"padded input length {x.shape[2]} is shorter than the kernel span {span}")
    # windows: (batch, in_channels, out_length, span); keep every dilation-th tap -> (..., kernel_size)
    windows = x.unfold(2, span, stride)[..., ::dilation]
    out = torch.einsum("bclk,ock->bol", windows, weight)
    if bias is not None:
        out = out + bias[:, None]
    return out
    ### END SOLUTION


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    """The output length of ``conv1d``: ``floor((L + 2p - d(k-1) - 1) / s) + 1``, a Python int."""
    ### BEGIN SOLUTION
    if length < 0 or kernel_size < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError(
            f"need length >= 0, kernel_size >= 1, stride >= 1, padding >= 0, dilation >= 1, "
            f"got {length}, {kernel_size}, {stride}, {padding}, {dilation}"
        )
    out_length = (length + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out_length < 1:
        raise ValueError(f"the kernel (span {dilation * (kernel_size - 1) + 1}) is longer than the padded input")
    return int(out_length)
    ### END SOLUTION


class Conv1d(nn.Module):
    """A 1-D convolution layer, state-dict compatible with ``nn.Conv1d`` (``groups=1``).

    weight: (out_channels, in_channels, kernel_size), bias: (out_channels,), both
    initialised like ``nn.Conv1d`` (kaiming-uniform, bound ``1/sqrt(in_channels*kernel_size)``).

    forward(x: (batch, in_channels, length)) -> (batch, out_channels, out_length)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        ### BEGIN SOLUTION
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        # nn.Conv1d's reset_parameters: both bounds come out as 1/sqrt(fan_in).
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(in_channels * kernel_size)
            nn.init.uniform_(self.bias, -bound, bound)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
        ### END SOLUTION


def receptive_field(kernel_sizes, dilations=None, strides=None):
    """How many input steps one output of a stack of 1-D convolutions sees.

    ``1 + sum_l (k_l - 1) * d_l * prod_{m<l} s_m``; None means all ones. A Python int.
    kernel_sizes, dilations, strides: sequences of ints, one per layer (first layer first)
    """
    ### BEGIN SOLUTION
    num_layers = len(kernel_sizes)
    dilations = [1] * num_layers if dilations is None else list(dilations)
    strides = [1] * num_layers if strides is None else list(strides)
    if len(dilations) != num_layers or len(strides) != num_layers:
        raise ValueError(
            f"kernel_sizes, dilations and strides must have the same length, "
            f"got {num_layers}, {len(dilations)}, {len(strides)}"
        )
    field = 1
    jump = 1  # input steps between neighbouring positions of the current layer's input
    for k, d, s in zip(kernel_sizes, dilations, strides):
        if k < 1 or d < 1 or s < 1:
            raise ValueError(f"kernel sizes, dilations and strides must be >= 1, got {k}, {d}, {s}")
        field += (k - 1) * d * jump
        jump *= s
    return int(field)
    ### END SOLUTION


def causal_conv1d(x, weight, bias=None, dilation=1):
    """A causal 1-D convolution: ``conv1d`` of x left-padded with ``dilation*(K-1)`` zeros.

    x: (batch, in_channels, length), weight: (out_channels, in_channels, K), bias: (out_channels,) or None
    returns: (batch, out_channels, length); output t depends only on inputs <= t, and its
    last tap is input t
    """
    ### BEGIN SOLUTION
    if x.dim() != 3 or weight.dim() != 3:
        raise ValueError(f"x and weight must be 3-D, got {tuple(x.shape)} and {tuple(weight.shape)}")
    if dilation < 1:
        raise ValueError(f"dilation must be >= 1, got {dilation}")
    left = dilation * (weight.shape[2] - 1)
    return conv1d(F.pad(x, (left, 0)), weight, bias, dilation=dilation)
    ### END SOLUTION
