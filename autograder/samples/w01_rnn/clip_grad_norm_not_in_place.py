"""Wrong: clip_grad_norm computes the scaled gradients but never writes them back to .grad."""
import torch

EXPECT = {"clip_grad_norm": "scale the gradients in place"}


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))
    if total > max_norm:
        for g in grads:
            g = g * (max_norm / (total + 1e-6))
    return total
