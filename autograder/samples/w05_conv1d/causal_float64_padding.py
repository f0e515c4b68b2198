"""Wrong: causal_conv1d makes its padding zeros in float64, so float32 inputs are promoted and no longer match a
float32 weight."""
import torch

EXPECT = {"causal_conv1d": "causal_conv1d works for float32 tensors"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    zeros = torch.zeros(x.shape[0], x.shape[1], dilation * (weight.shape[2] - 1), dtype=torch.float64)
    return conv1d(torch.cat([zeros, x], dim=2), weight, bias, dilation=dilation)
