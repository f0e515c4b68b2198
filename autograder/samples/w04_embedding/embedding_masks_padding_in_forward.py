"""Wrong: Embedding never zeroes the padding row of its weight; it multiplies padding positions by 0 in forward
instead, so a new layer's weight[padding_idx] is not zero (as nn.Embedding's is)."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "set row padding_idx to zero"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))

    def forward(self, indices):
        if indices.numel() and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise ValueError("index out of range")
        rows = self.weight[indices]
        if self.padding_idx is None:
            return rows
        return rows * (indices != self.padding_idx).unsqueeze(-1).to(rows.dtype)
