"""Wrong: layer_norm's eps defaults to 1e-12 (BERT's), not 1e-5 (PyTorch's)."""
import torch

EXPECT = {"layer_norm": "with the default eps"}


def layer_norm(x, weight, bias, eps=1e-12):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
