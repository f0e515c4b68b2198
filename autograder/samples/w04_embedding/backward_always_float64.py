"""Wrong: embedding_backward always returns a float64 gradient, also for a float32 grad_output."""
import torch

EXPECT = {"embedding_backward": "has the wrong dtype"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    grad_weight = torch.zeros(num_embeddings, D, dtype=torch.float64)  # accumulate in double precision
    grad_weight.index_add_(0, indices.reshape(-1), grad_output.reshape(-1, D).double())
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
