"""Wrong: masked_mean rebuilds the mask from the counts of True steps, assuming they come first in each row.

Right for masks made by lengths_to_mask (so TextClassifier passes), wrong for any other mask.
"""
import torch

EXPECT = {"masked_mean": "need not come first"}


def masked_mean(x, mask):
    counts = mask.sum(dim=1, keepdim=True)
    prefix = torch.arange(x.shape[1]).unsqueeze(0) < counts
    return x.masked_fill(~prefix.unsqueeze(-1), 0).sum(dim=1) / counts.to(x.dtype)
