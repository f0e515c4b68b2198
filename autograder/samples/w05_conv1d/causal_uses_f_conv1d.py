"""Forbidden: causal_conv1d pads x itself but then calls F.conv1d (conv1d and Conv1d are the reference's)."""
import torch.nn.functional as F

EXPECT = {"causal_conv1d": "torch.nn.functional.conv1d"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    return F.conv1d(F.pad(x, (dilation * (weight.shape[2] - 1), 0)), weight, bias, dilation=dilation)
