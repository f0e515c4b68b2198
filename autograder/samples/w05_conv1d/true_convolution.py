"""Wrong: conv1d is a true convolution (the kernel is flipped), as in signal-processing textbooks."""
import torch
import torch.nn.functional as F

EXPECT = {"conv1d": "do not flip the kernel"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    x = F.pad(x, (padding, padding))
    kernel = weight.flip(-1)  # convolution: out[t] = sum_k w[k] x[t - k]
    K = kernel.shape[2]
    span = dilation * (K - 1) + 1
    windows = x.unfold(2, span, stride)[..., ::dilation]
    out = torch.einsum("bclk,ock->bol", windows, kernel)
    if bias is not None:
        out = out + bias[:, None]
    return out
