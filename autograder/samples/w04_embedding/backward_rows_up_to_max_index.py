"""Wrong: embedding_backward makes one row per index up to the largest one in the batch, not num_embeddings rows."""
import torch

EXPECT = {"embedding_backward": "the gradient of the weight has the weight's shape"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    rows = int(indices.max()) + 1
    grad_weight = grad_output.new_zeros(rows, D)
    grad_weight.index_add_(0, indices.reshape(-1), grad_output.reshape(-1, D))
    if padding_idx is not None and padding_idx < rows:
        grad_weight[padding_idx] = 0
    return grad_weight
