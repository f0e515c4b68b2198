"""Wrong: NgramEmbedding builds its bag matrix in float64, so a float32 table (PyTorch's default) fails in the
matrix product."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "NgramEmbedding works in float32"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        bag = torch.zeros(len(words), self.num_buckets, dtype=torch.float64)  # word k, bucket j: share of j
        for k, word in enumerate(words):
            grams = char_ngrams(word, self.n_min, self.n_max)
            for g in grams:
                bag[k, fnv1a_32(g) % self.num_buckets] += 1.0 / len(grams)
        return bag @ self.weight
