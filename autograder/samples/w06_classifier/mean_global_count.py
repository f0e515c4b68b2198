"""Wrong: masked_mean divides by the number of True steps in the whole batch, not per row."""
import torch

EXPECT = {"masked_mean": "not by the count over the whole batch"}


def masked_mean(x, mask):
    total = x.masked_fill(~mask.unsqueeze(-1), 0).sum(dim=1)
    return total / mask.sum().to(x.dtype)
