"""Forbidden: layer_norm calls F.layer_norm."""
import torch

EXPECT = {"layer_norm": "torch.nn.functional.layer_norm"}


def layer_norm(x, weight, bias, eps=1e-5):
    return torch.nn.functional.layer_norm(x, x.shape[-1:], weight, bias, eps)
