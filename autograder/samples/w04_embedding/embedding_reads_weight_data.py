"""Wrong: Embedding looks the rows up in self.weight.data, so no gradient ever reaches the weight."""
import torch
import torch.nn as nn

EXPECT = {"Embedding": "received no gradient"}


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
        return self.weight.data[indices]
