"""Wrong: conv1d reads kernel_size consecutive steps, ignoring the dilation; Conv1d and causal_conv1d compute
their own convolution, so only conv1d is wrong."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

EXPECT = {"conv1d": "dilation spaces the kernel's taps"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.dim() != 3 or weight.dim() != 3 or x.shape[1] != weight.shape[1]:
        raise ValueError("x must be (B, C_in, L) and weight (C_out, C_in, K)")
    windows = F.pad(x, (padding, padding)).unfold(2, weight.shape[2], stride)
    out = torch.einsum("bclk,ock->bol", windows, weight)
    return out if bias is None else out + bias[:, None]


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        # its own convolution, written out again: it does not call conv1d
        span = self.dilation * (self.weight.shape[2] - 1) + 1
        windows = F.pad(x, (self.padding, self.padding)).unfold(2, span, self.stride)[..., ::self.dilation]
        out = torch.einsum("bclk,ock->bol", windows, self.weight)
        return out if self.bias is None else out + self.bias[:, None]


def causal_conv1d(x, weight, bias=None, dilation=1):
    # its own convolution, written out again: it does not call conv1d
    span = dilation * (weight.shape[2] - 1) + 1
    windows = F.pad(x, (span - 1, 0)).unfold(2, span, 1)[..., ::dilation]
    out = torch.einsum("bclk,ock->bol", windows, weight)
    return out if bias is None else out + bias[:, None]
