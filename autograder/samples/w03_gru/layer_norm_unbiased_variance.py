"""Wrong: layer_norm uses the unbiased variance (divides by D-1), as torch.var does by default."""
import torch

EXPECT = {"layer_norm": "use the biased variance"}


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
