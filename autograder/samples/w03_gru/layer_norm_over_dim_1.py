"""Wrong: layer_norm normalizes over dim 1, the last one only for 2-D inputs."""
import torch

EXPECT = {"layer_norm": "not dim 1"}


def layer_norm(x, weight, bias, eps=1e-5):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    mean = x.mean(dim=1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
