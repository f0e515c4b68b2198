"""Wrong: layer_norm adds eps to the standard deviation, (x - mean) / (std + eps)."""
import torch

EXPECT = {"layer_norm": "eps goes inside the square root"}


def layer_norm(x, weight, bias, eps=1e-5):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    mean = x.mean(dim=-1, keepdim=True)
    std = ((x - mean) ** 2).mean(dim=-1, keepdim=True).sqrt()
    return (x - mean) / (std + eps) * weight + bias
