"""Wrong: clip_grad_norm returns the norm after clipping instead of before."""
import torch

EXPECT = {"clip_grad_norm": "measured before clipping"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
