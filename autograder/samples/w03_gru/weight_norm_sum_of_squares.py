"""Wrong: weight_norm divides by the sum of squares of each row, the squared norm."""
import torch

EXPECT = {"weight_norm": "not its square"}


def weight_norm(v, g):
    dims = tuple(range(1, v.dim()))
    if v.dim() < 2 or g.shape != (v.shape[0],) + (1,) * len(dims):
        raise ValueError(f"v must be (out, ...) and g (out, 1, ...), got {tuple(v.shape)} and {tuple(g.shape)}")
    return g * v / (v * v).sum(dim=dims, keepdim=True)
