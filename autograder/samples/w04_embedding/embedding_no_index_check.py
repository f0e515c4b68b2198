"""Wrong: Embedding does not check its indices: -1 silently reads the last row and num_embeddings raises IndexError,
where a ValueError is asked for."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "should raise ValueError"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        rows = self.weight[indices]
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx).unsqueeze(-1), rows.detach(), rows)
