"""Wrong: layer_norm normalizes each feature over the batch (dim 0), like batch norm."""
import torch

EXPECT = {"layer_norm": "not over the batch (dim 0)"}


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=0, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
