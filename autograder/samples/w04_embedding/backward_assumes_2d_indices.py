"""Wrong: embedding_backward loops over (batch, time), so it only works for 2-D indices."""
import torch

EXPECT = {"embedding_backward": "too many values to unpack"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    grad_weight = grad_output.new_zeros(num_embeddings, grad_output.shape[-1])
    batch, steps = indices.shape
    for b in range(batch):
        for t in range(steps):
            grad_weight[indices[b, t]] += grad_output[b, t]
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
