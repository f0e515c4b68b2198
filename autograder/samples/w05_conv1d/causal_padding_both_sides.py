"""Wrong: causal_conv1d pads half of dilation*(K-1) on each side ("same" padding), so it looks ahead."""
EXPECT = {"causal_conv1d": "causal padding goes on the LEFT only"}


def causal_conv1d(x, weight, bias=None, dilation=1):
    total = dilation * (weight.shape[2] - 1)
    return conv1d(x, weight, bias, padding=total // 2, dilation=dilation)
