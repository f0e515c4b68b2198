"""Correct, written differently: gather the windows with an index tensor, one matrix product (im2col)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

EXPECT = {}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.dim() != 3 or weight.dim() != 3 or x.shape[1] != weight.shape[1]:
        raise ValueError(f"x {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit (B, C, L), (O, C, K)")
    C_out, C_in, K = weight.shape
    x = F.pad(x, (padding, padding))
    n = conv1d_output_length(x.shape[2], K, stride, 0, dilation)
    index = (torch.arange(n) * stride)[:, None] + (torch.arange(K) * dilation)[None, :]  # (n, K)
    columns = x[:, :, index]  # (B, C_in, n, K)
    columns = columns.permute(0, 2, 1, 3).reshape(x.shape[0], n, C_in * K)
    out = columns @ weight.reshape(C_out, C_in * K).T  # (B, n, C_out)
    if bias is not None:
        out = out + bias
    return out.transpose(1, 2)


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if span > length + 2 * padding:
        raise ValueError("the kernel is longer than the padded input")
    return int((length + 2 * padding - span) // stride + 1)


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.config = dict(stride=stride, padding=padding, dilation=dilation)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size))
        nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)
        if bias:
            bound = 1 / (in_channels * kernel_size) ** 0.5
            self.bias = nn.Parameter(torch.zeros(out_channels))
            nn.init.uniform_(self.bias, -bound, bound)
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, **self.config)


def receptive_field(kernel_sizes, dilations=None, strides=None):
    dilations = dilations or [1] * len(kernel_sizes)
    strides = strides or [1] * len(kernel_sizes)
    if len(dilations) != len(kernel_sizes) or len(strides) != len(kernel_sizes):
        raise ValueError("kernel_sizes, dilations and strides differ in length")
    total, jump = 1, 1
    for layer in range(len(kernel_sizes)):
        total += (kernel_sizes[layer] - 1) * dilations[layer] * jump
        jump *= strides[layer]
    return total


def causal_conv1d(x, weight, bias=None, dilation=1):
    # pad both ends, then keep the first L outputs: output t still ends at input t
    left = dilation * (weight.shape[2] - 1)
    return conv1d(x, weight, bias, padding=left, dilation=dilation)[..., :x.shape[2]]
