"""Forbidden: embedding_backward calls .backward() on a lookup and returns weight.grad."""
import torch

EXPECT = {"embedding_backward": "torch.autograd.backward"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype, requires_grad=True)
    weight[indices].backward(grad_output)
    grad_weight = weight.grad
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
