"""Wrong: embedding_backward accumulates into torch.zeros(V, D), which is float32, so float64 gradients lose their
precision (the result is float32)."""
import torch

EXPECT = {"embedding_backward": "torch.zeros(V, D) alone is float32"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    D = grad_output.shape[-1]
    grad_weight = torch.zeros(num_embeddings, D)
    for index, g in zip(indices.reshape(-1).tolist(), grad_output.reshape(-1, D)):
        grad_weight[index] += g
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
