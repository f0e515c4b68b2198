"""Wrong: embedding_backward calls index_add_ with the indices as they come, which needs a 1-D index."""
import torch

EXPECT = {"embedding_backward": "index_select and index_add_ take a 1-D index"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    if tuple(grad_output.shape[:-1]) != tuple(indices.shape):
        raise ValueError("grad_output must be (*indices.shape, D)")
    grad_weight = grad_output.new_zeros(num_embeddings, grad_output.shape[-1])
    grad_weight.index_add_(0, indices, grad_output)
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
