"""Wrong: clip_grad_norm fails when no tensor has a gradient (torch.stack of an empty list)."""
import torch

EXPECT = {"clip_grad_norm": "there is nothing to clip"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total
