"""Wrong: Conv1d names its third argument `kernel` and its hyper-parameters s, p, d, not nn.Conv1d's names."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "take nn.Conv1d's argument names"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel, s=1, p=0, d=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = s, p, d
        bound = 1 / math.sqrt(in_channels * kernel)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
