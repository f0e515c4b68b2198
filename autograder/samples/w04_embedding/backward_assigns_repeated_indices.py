"""Wrong: embedding_backward assigns rows, so a repeated index keeps only one of its gradients."""
import torch

EXPECT = {"embedding_backward": "repeated indices must ADD their gradients"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    grad_weight = torch.zeros(num_embeddings, D, dtype=grad_output.dtype)
    grad_weight[indices.reshape(-1)] = grad_output.reshape(-1, D)
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
