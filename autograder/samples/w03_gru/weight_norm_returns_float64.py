"""Wrong: weight_norm computes in float64 and returns float64 for float32 inputs."""
import torch

EXPECT = {"weight_norm": "dtype float32"}


def weight_norm(v, g):
    dims = tuple(range(1, v.dim()))
    if v.dim() < 2 or g.shape != (v.shape[0],) + (1,) * len(dims):
        raise ValueError(f"v must be (out, ...) and g (out, 1, ...), got {tuple(v.shape)} and {tuple(g.shape)}")
    v = v.double()
    return g.double() * v / torch.linalg.vector_norm(v, dim=dims, keepdim=True)
