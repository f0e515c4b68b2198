"""Wrong: Embedding stacks one lookup per entry of indices' first dimension, which fails for a 0-d index."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "iteration over a 0-d tensor"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        if indices.numel() and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise ValueError("index out of range")
        rows = torch.stack([self.weight[row] for row in indices])  # one sequence (or one index) at a time
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx).unsqueeze(-1), rows.detach(), rows)
