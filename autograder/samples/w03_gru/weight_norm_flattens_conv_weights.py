"""Wrong: weight_norm flattens v to (out, -1) for the norm and returns the flat result."""
import torch

EXPECT = {"weight_norm": "w has the shape of v"}


def weight_norm(v, g):
    dims = tuple(range(1, v.dim()))
    if v.dim() < 2 or g.shape != (v.shape[0],) + (1,) * len(dims):
        raise ValueError(f"v must be (out, ...) and g (out, 1, ...), got {tuple(v.shape)} and {tuple(g.shape)}")
    flat = v.reshape(v.shape[0], -1)
    return g.reshape(-1, 1) * flat / flat.norm(dim=1, keepdim=True)
