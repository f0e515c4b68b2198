"""Wrong: weight_norm detaches the norm, so the gradient with respect to v skips it."""
import torch

EXPECT = {"weight_norm": "do not .detach() the norm"}


def weight_norm(v, g):
    dims = tuple(range(1, v.dim()))
    if v.dim() < 2 or g.shape != (v.shape[0],) + (1,) * len(dims):
        raise ValueError(f"v must be (out, ...) and g (out, 1, ...), got {tuple(v.shape)} and {tuple(g.shape)}")
    return g * v / torch.linalg.vector_norm(v, dim=dims, keepdim=True).detach()
