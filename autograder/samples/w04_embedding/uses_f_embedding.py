"""Forbidden: Embedding calls F.embedding instead of looking the rows up itself."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "torch.nn.functional.embedding"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        return nn.functional.embedding(indices, self.weight, padding_idx=self.padding_idx)
