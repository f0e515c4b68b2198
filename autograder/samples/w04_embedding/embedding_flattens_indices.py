"""Wrong: Embedding flattens the indices and never restores their shape."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "reshape the looked-up rows back to (*indices.shape, D)"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        flat = indices.reshape(-1)
        rows = self.weight.index_select(0, flat)
        if self.padding_idx is not None:
            rows = rows * (flat != self.padding_idx).unsqueeze(1).to(rows.dtype)
        return rows
