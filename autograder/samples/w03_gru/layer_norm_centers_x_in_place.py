"""Wrong: layer_norm centers x in place (x -= mean), changing the caller's tensor."""
import torch

EXPECT = {"layer_norm": "modifies an argument in place"}


def layer_norm(x, weight, bias, eps=1e-5):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    x -= x.mean(dim=-1, keepdim=True)
    var = (x * x).mean(dim=-1, keepdim=True)
    return x / torch.sqrt(var + eps) * weight + bias
