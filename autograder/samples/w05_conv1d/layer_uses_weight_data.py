"""Wrong: Conv1d passes self.weight.data and self.bias.data to conv1d, so its parameters never get a gradient."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "Not every parameter of"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        bias = None if self.bias is None else self.bias.data
        return conv1d(x, self.weight.data, bias, self.stride, self.padding, self.dilation)
