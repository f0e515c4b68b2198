"""Wrong: layer_norm scales by bias and shifts by weight."""
import torch

EXPECT = {"layer_norm": "scale by weight, then shift by bias"}


def layer_norm(x, weight, bias, eps=1e-5):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * bias + weight
