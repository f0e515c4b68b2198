"""Forbidden: Conv1d subclasses nn.Conv1d instead of building the layer."""
import torch.nn as nn

EXPECT = {"Conv1d": "torch.nn.Conv1d"}


class Conv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                         dilation=dilation, bias=bias)
