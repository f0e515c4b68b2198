"""Wrong: clip_grad_norm reads .grad of every tensor, also when it is None."""
import torch

EXPECT = {"clip_grad_norm": "skip the tensors whose .grad is None"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters]
    total = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total
