"""Correct, written differently: dilate the kernel by inserting zeros between its taps, compute in float64."""
import torch
import torch.nn as nn
import torch.nn.functional as F

EXPECT = {}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.dim() != 3 or weight.dim() != 3:
        raise ValueError("x and weight must be 3-D")
    if x.shape[1] != weight.shape[1]:
        raise ValueError("x and weight have different numbers of input channels")
    dtype = x.dtype
    x, weight = x.double(), weight.double()
    C_out, C_in, K = weight.shape
    span = dilation * (K - 1) + 1
    kernel = weight.new_zeros(C_out, C_in, span)
    kernel[:, :, ::dilation] = weight  # the dilated kernel: zeros between the taps
    windows = F.pad(x, (padding, padding)).unfold(2, span, stride)  # (B, C_in, n, span)
    out = (windows.unsqueeze(1) * kernel[None, :, :, None, :]).sum(dim=(2, 4))  # (B, C_out, n)
    if bias is not None:
        out = out + bias.double()[:, None]
    return out.to(dtype)


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    count = 0
    start = 0
    while start + dilation * (kernel_size - 1) <= length + 2 * padding - 1:  # the window still fits
        count += 1
        start += stride
    if count == 0:
        raise ValueError("the kernel does not fit in the padded input")
    return count


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        bound = (in_channels * kernel_size) ** -0.5
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None
        self.stride, self.padding, self.dilation = stride, padding, dilation

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)


def receptive_field(kernel_sizes, dilations=None, strides=None):
    import math
    layers = len(kernel_sizes)
    d = list(dilations) if dilations is not None else [1] * layers
    s = list(strides) if strides is not None else [1] * layers
    if not len(d) == len(s) == layers:
        raise ValueError("one dilation and one stride per layer")
    return 1 + sum((kernel_sizes[l] - 1) * d[l] * math.prod(s[:l]) for l in range(layers))


def causal_conv1d(x, weight, bias=None, dilation=1):
    shifted = F.pad(x, (dilation * (weight.shape[2] - 1), 0))
    return conv1d(shifted, weight, bias, 1, 0, dilation)
