"""Wrong: clip_grad_norm iterates over parameters twice, so a generator is empty the second time."""
import torch

EXPECT = {"clip_grad_norm": "parameters may be a generator"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    norms = [p.grad.norm() for p in parameters if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack(norms)) if norms else torch.tensor(0.0)
    if total > max_norm:
        for p in parameters:
            if p.grad is not None:
                p.grad.mul_(max_norm / (total + 1e-6))
    return total
