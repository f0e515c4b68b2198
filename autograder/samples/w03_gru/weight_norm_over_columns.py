"""Wrong: weight_norm divides by the norm of each column (dim 0) instead of each output row."""
import torch

EXPECT = {"weight_norm": "not of each column (dim 0)"}


def weight_norm(v, g):
    return g * v / v.norm(dim=0, keepdim=True)
