"""Wrong: weight_norm normalizes v in place (v /= norm), changing the caller's tensor."""
import torch

EXPECT = {"weight_norm": "modifies an argument in place"}


def weight_norm(v, g):
    dims = tuple(range(1, v.dim()))
    if v.dim() < 2 or g.shape != (v.shape[0],) + (1,) * len(dims):
        raise ValueError(f"v must be (out, ...) and g (out, 1, ...), got {tuple(v.shape)} and {tuple(g.shape)}")
    v /= torch.linalg.vector_norm(v, dim=dims, keepdim=True)
    return g * v
