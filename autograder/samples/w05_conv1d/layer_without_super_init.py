"""Wrong: Conv1d.__init__ assigns its parameters without calling super().__init__() first."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "call super().__init__() first"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None
        self.stride, self.padding, self.dilation = stride, padding, dilation

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
