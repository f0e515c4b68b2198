"""Wrong: Embedding multiplies by a float64 0/1 padding mask, so a float32 layer returns float64 vectors."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "has the wrong dtype"}


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
        rows = self.weight[indices]
        keep = torch.ones(indices.shape, dtype=torch.float64)
        if self.padding_idx is not None:
            keep[indices == self.padding_idx] = 0.0
        keep = keep.unsqueeze(-1)
        return rows * keep + rows.detach() * (1 - keep)
