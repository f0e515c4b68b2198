"""Wrong: causal_conv1d never passes its bias on to conv1d."""
import torch.nn.functional as F

EXPECT = {"causal_conv1d": "add bias[o] to every step of output channel o"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    return conv1d(F.pad(x, (dilation * (weight.shape[2] - 1), 0)), weight, dilation=dilation)
