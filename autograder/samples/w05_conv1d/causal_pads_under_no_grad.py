"""Wrong: causal_conv1d copies x into its padded buffer under torch.no_grad(), so no gradient flows back to x."""
import torch

EXPECT = {"causal_conv1d": "No gradient reached x"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    left = dilation * (weight.shape[2] - 1)
    padded = x.new_zeros(x.shape[0], x.shape[1], left + x.shape[2])
    with torch.no_grad():
        padded[:, :, left:] = x
    return conv1d(padded, weight, bias, dilation=dilation)
