"""Wrong: Conv1d defaults to bias=False, while nn.Conv1d has a bias unless told otherwise."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "Conv1d(in, out, k) defaults to stride 1, padding 0, dilation 1 and a bias"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=False):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
