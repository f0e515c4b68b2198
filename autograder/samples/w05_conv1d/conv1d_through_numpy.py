"""Wrong: conv1d computes in NumPy, so no gradient flows back to x, the weight or the bias."""
import torch

EXPECT = {"conv1d": "No gradient reached"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    import numpy as np  # the answer cell's own import

    xs = np.pad(x.detach().numpy(), ((0, 0), (0, 0), (padding, padding)))
    w = weight.detach().numpy()
    C_out, C_in, K = w.shape
    n = (xs.shape[2] - dilation * (K - 1) - 1) // stride + 1
    out = np.zeros((xs.shape[0], C_out, n), dtype=xs.dtype)
    for t in range(n):
        taps = xs[:, :, t * stride: t * stride + dilation * (K - 1) + 1: dilation]
        out[:, :, t] = np.einsum("bck,ock->bo", taps, w)
    if bias is not None:
        out += bias.detach().numpy()[:, None]
    return torch.from_numpy(out)
