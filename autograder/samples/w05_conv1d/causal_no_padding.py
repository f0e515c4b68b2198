"""Wrong: causal_conv1d does not pad at all, so its output is dilation*(K-1) steps shorter than its input."""
EXPECT = {"causal_conv1d": "returned the wrong shape"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    return conv1d(x, weight, bias, dilation=dilation)
