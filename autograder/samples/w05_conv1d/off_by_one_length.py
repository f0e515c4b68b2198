"""Wrong: conv1d forgets the +1 in the output length and drops the last window."""
import torch
import torch.nn.functional as F

EXPECT = {"conv1d": "off by one"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    x = F.pad(x, (padding, padding))
    C_out, C_in, K = weight.shape
    span = dilation * (K - 1) + 1
    out_length = (x.shape[2] - span) // stride  # should be ... // stride + 1
    out = x.new_zeros(x.shape[0], C_out, out_length)
    for t in range(out_length):
        taps = x[:, :, t * stride: t * stride + span: dilation]  # (B, C_in, K)
        out[:, :, t] = torch.einsum("bck,ock->bo", taps, weight)
    if bias is not None:
        out = out + bias[:, None]
    return out
