"""Wrong: each gradient is clipped by its own norm instead of the global norm."""
import torch

EXPECT = {"clip_grad_norm": "clip by the global norm"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    for g in grads:
        norm = g.norm()
        if norm > max_norm:
            g.mul_(max_norm / (norm + 1e-6))
    return total
