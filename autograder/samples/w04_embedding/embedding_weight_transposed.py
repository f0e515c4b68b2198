"""Wrong: Embedding stores its table as (embedding_dim, num_embeddings), like nn.Linear's weight, so it cannot load
nn.Embedding's state dict."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "weight has the wrong shape"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(embedding_dim, num_embeddings))  # one column per index
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[:, padding_idx] = 0

    def forward(self, indices):
        rows = self.weight.T[indices]
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx).unsqueeze(-1), rows.detach(), rows)
