"""Wrong: weight_norm takes the norm over dim 1 only, which is right for (out, in) but not for conv weights."""
import torch

EXPECT = {"weight_norm": "not only dim 1"}


def weight_norm(v, g):
    return g * v / torch.sqrt((v * v).sum(dim=1, keepdim=True))
