"""Wrong: Embedding initialises its table with nn.init.xavier_uniform_ instead of N(0, 1) like nn.Embedding."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "does not look drawn from N(0, 1)"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim))
        nn.init.xavier_uniform_(self.weight)
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        if indices.numel() and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise ValueError("index out of range")
        rows = self.weight[indices]
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx).unsqueeze(-1), rows.detach(), rows)
