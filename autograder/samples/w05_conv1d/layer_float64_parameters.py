"""Wrong: Conv1d creates its parameters in float64, so the float32 input of a default layer does not match them."""
import math

import torch
import torch.nn as nn

EXPECT = {"Conv1d": "create the parameters in PyTorch's default dtype"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        bound = 1 / math.sqrt(in_channels * kernel_size)
        shape = (out_channels, in_channels, kernel_size)
        self.weight = nn.Parameter(torch.empty(shape, dtype=torch.float64).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels, dtype=torch.float64).uniform_(-bound, bound)) if bias \
            else None

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
