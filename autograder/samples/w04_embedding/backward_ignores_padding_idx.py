"""Wrong: embedding_backward accepts padding_idx but never zeroes its row."""
import torch

EXPECT = {"embedding_backward": "zero the padding_idx row (2) of the gradient"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    grad_weight = grad_output.new_zeros(num_embeddings, D)
    grad_weight.index_add_(0, indices.reshape(-1), grad_output.reshape(-1, D))
    return grad_weight
