"""Wrong: Embedding zeroes the padding row once, but padding positions still pass a gradient to it."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "The padding row is still learning"}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        return self.weight[indices]
