"""Wrong: NgramEmbedding sums the n-gram rows instead of averaging them."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "do not sum them"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        rows = []
        for word in words:
            buckets = [fnv1a_32(g) % self.num_buckets for g in char_ngrams(word, self.n_min, self.n_max)]
            rows.append(self.weight[torch.tensor(buckets)].sum(0))
        return torch.stack(rows)
