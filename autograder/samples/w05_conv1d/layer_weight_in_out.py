"""Wrong: Conv1d stores its weight as (in_channels, out_channels, kernel_size), so it cannot load nn.Conv1d's state
dict."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "weight is (out_channels, in_channels, kernel_size) and bias is (out_channels,)"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(in_channels, out_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return conv1d(x, self.weight.transpose(0, 1), self.bias, self.stride, self.padding, self.dilation)
