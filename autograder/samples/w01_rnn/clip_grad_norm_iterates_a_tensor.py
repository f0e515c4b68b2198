"""Wrong: clip_grad_norm iterates over parameters even when it is a single tensor (its rows have no .grad)."""
import torch

EXPECT = {"clip_grad_norm": "parameters may be a single tensor"}


def clip_grad_norm(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total
