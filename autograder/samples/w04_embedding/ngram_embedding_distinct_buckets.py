"""Wrong: NgramEmbedding averages over the distinct buckets of a word, so a repeated n-gram (or two n-grams sharing
a bucket) counts once."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "not over distinct buckets"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        vectors = []
        for word in words:
            buckets = {fnv1a_32(g) % self.num_buckets for g in char_ngrams(word, self.n_min, self.n_max)}
            vectors.append(self.weight[torch.tensor(sorted(buckets))].mean(dim=0))
        return torch.stack(vectors)
