"""Wrong: Conv1d always creates a bias, even with bias=False, so it cannot load nn.Conv1d(..., bias=False)."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "state_dict keys"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound))
        self.use_bias = bias

    def forward(self, x):
        return conv1d(x, self.weight, self.bias if self.use_bias else None, self.stride, self.padding, self.dilation)
