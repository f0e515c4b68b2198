"""Forbidden: conv1d calls F.conv1d (and Conv1d and causal_conv1d use it)."""
import torch.nn.functional as F

EXPECT = {"conv1d": "torch.nn.functional.conv1d"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    return F.conv1d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)
