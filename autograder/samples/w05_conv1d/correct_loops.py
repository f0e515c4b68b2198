"""Correct, written differently: a loop over the kernel's taps, math.floor, and a causal left pad by torch.cat."""
import math

import torch
import torch.nn as nn

EXPECT = {}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    B, C_in, L = x.shape  # a ValueError (too few values to unpack) unless x is 3-D
    C_out, C_w, K = weight.shape
    if C_w != C_in:
        raise ValueError(f"weight expects {C_w} input channels, x has {C_in}")
    if padding:
        zeros = x.new_zeros(B, C_in, padding)
        x = torch.cat([zeros, x, zeros], dim=2)
    n = (x.shape[2] - dilation * (K - 1) - 1) // stride + 1
    out = x.new_zeros(B, C_out, n)
    for k in range(K):
        start = k * dilation
        taps = x[:, :, start:start + stride * (n - 1) + 1:stride]  # (B, C_in, n): tap k of every window
        out = out + torch.einsum("oc,bcn->bon", weight[:, :, k], taps)
    if bias is not None:
        out = out + bias.reshape(1, C_out, 1)
    return out


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    out = math.floor((length + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
    if out <= 0:
        raise ValueError("the kernel does not fit even once")
    return out


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter((torch.rand(out_channels, in_channels, kernel_size) * 2 - 1) * bound)
        self.bias = nn.Parameter((torch.rand(out_channels) * 2 - 1) * bound) if bias else None

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, stride=self.stride, padding=self.padding, dilation=self.dilation)


def receptive_field(kernel_sizes, dilations=None, strides=None):
    # backwards from one output: r_{l-1} = s_l * (r_l - 1) + d_l * (k_l - 1) + 1
    n = len(kernel_sizes)
    dilations = [1] * n if dilations is None else dilations
    strides = [1] * n if strides is None else strides
    if (len(dilations), len(strides)) != (n, n):
        raise ValueError("dilations and strides need one entry per layer")
    r = 1
    for k, d, s in reversed(list(zip(kernel_sizes, dilations, strides))):
        r = s * (r - 1) + d * (k - 1) + 1
    return r


def causal_conv1d(x, weight, bias=None, dilation=1):
    left = x.new_zeros(x.shape[0], x.shape[1], dilation * (weight.shape[2] - 1))
    return conv1d(torch.cat([left, x], dim=2), weight, bias, dilation=dilation)
