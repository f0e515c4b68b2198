"""Wrong: layer_norm detaches the mean and variance, so the gradient skips them."""
import torch

EXPECT = {"layer_norm": "do not .detach() the mean or variance"}


def layer_norm(x, weight, bias, eps=1e-5):
    if tuple(weight.shape) != x.shape[-1:] or tuple(bias.shape) != x.shape[-1:]:
        raise ValueError(f"weight and bias must be ({x.shape[-1]},)")
    mean = x.mean(dim=-1, keepdim=True).detach()
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True).detach()
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
