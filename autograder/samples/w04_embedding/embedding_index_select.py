"""Wrong: Embedding looks rows up with torch.index_select, which takes only a 1-D index."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "index_select and index_add_ take a 1-D index"}


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
        rows = torch.index_select(self.weight, 0, indices)
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx).unsqueeze(-1), rows.detach(), rows)
