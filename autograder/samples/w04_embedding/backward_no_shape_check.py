"""Wrong: embedding_backward reshapes grad_output to (-1, D) without checking that it is (*indices.shape, D)."""
import torch

EXPECT = {"embedding_backward": "should raise ValueError"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    grad_weight = grad_output.new_zeros(num_embeddings, D)
    grad_weight.index_add_(0, indices.reshape(-1), grad_output.reshape(-1, D))
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
