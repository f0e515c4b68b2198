"""Wrong: masked_mean multiplies x (B, T, D) by the (B, T) mask without unsqueezing it."""
import torch

EXPECT = {"masked_mean": "unsqueeze the mask to (batch, T, 1)"}


def masked_mean(x, mask):
    m = mask.to(x.dtype)
    return (x * m).sum(dim=1) / m.sum(dim=1, keepdim=True)
