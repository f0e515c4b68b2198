"""Wrong: conv1d averages the products over the input channels and taps (mean) instead of summing them."""
import torch
import torch.nn.functional as F

EXPECT = {"conv1d": "not their mean"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.dim() != 3 or weight.dim() != 3 or x.shape[1] != weight.shape[1]:
        raise ValueError("x and weight must be 3-D with the same number of input channels")
    K = weight.shape[2]
    x = F.pad(x, (padding, padding))
    windows = x.unfold(2, dilation * (K - 1) + 1, stride)[..., ::dilation]  # (B, C_in, n, K)
    out = (windows[:, None] * weight[None, :, :, None, :]).mean(dim=(2, 4))
    if bias is not None:
        out = out + bias[:, None]
    return out
