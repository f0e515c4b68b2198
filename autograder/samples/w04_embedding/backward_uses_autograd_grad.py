"""Forbidden: embedding_backward asks autograd (torch.autograd.grad) instead of accumulating by hand."""
import torch

EXPECT = {"embedding_backward": "torch.autograd.grad"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype, requires_grad=True)
    (grad_weight,) = torch.autograd.grad(weight[indices], weight, grad_output)
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
