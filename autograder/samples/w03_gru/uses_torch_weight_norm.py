"""Forbidden: weight_norm calls torch._weight_norm, the operator behind PyTorch's weight normalization."""
import torch

EXPECT = {"weight_norm": "torch._weight_norm"}


def weight_norm(v, g):
    return torch._weight_norm(v, g, 0)
