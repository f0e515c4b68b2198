"""Forbidden: NgramEmbedding averages the bucket rows with F.embedding_bag."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "torch.nn.functional.embedding_bag"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        ids, offsets = [], []
        for word in words:
            offsets.append(len(ids))
            ids += [fnv1a_32(g) % self.num_buckets for g in char_ngrams(word, self.n_min, self.n_max)]
        return nn.functional.embedding_bag(torch.tensor(ids), self.weight, torch.tensor(offsets), mode="mean")
