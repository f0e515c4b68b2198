"""Wrong: Conv1d initialises weight and bias from N(0, 1) instead of nn.Conv1d's uniform [-1/sqrt(C_in*K), ...]."""
import torch
import torch.nn as nn

EXPECT = {"Conv1d": "is not drawn uniformly from"}


class Conv1d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size))
        self.bias = nn.Parameter(torch.randn(out_channels)) if bias else None

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
