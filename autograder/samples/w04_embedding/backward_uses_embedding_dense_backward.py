"""Forbidden: embedding_backward calls aten's embedding_dense_backward, the kernel PyTorch runs for this gradient."""
import torch

EXPECT = {"embedding_backward": "torch.embedding_dense_backward"}


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    return torch.ops.aten.embedding_dense_backward(grad_output, indices, num_embeddings,
                                                   -1 if padding_idx is None else padding_idx, False)
