"""Wrong: causal_conv1d left-pads kernel_size - 1 zeros, forgetting that dilation widens the kernel."""
import torch.nn.functional as F

EXPECT = {"causal_conv1d": "the left padding is dilation*(kernel_size-1)"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    x = F.pad(x, (weight.shape[2] - 1, 0))
    return conv1d(x, weight, bias, dilation=dilation)
