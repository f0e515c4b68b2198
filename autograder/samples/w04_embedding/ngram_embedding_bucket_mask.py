"""Wrong: NgramEmbedding picks the bucket with a bit mask, fnv1a_32(g) & (num_buckets - 1), which equals the
remainder only when num_buckets is a power of 2."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "a bit mask & (num_buckets - 1) equals it only for powers of 2"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        vectors = []
        for word in words:
            buckets = [fnv1a_32(g) & (self.num_buckets - 1) for g in char_ngrams(word, self.n_min, self.n_max)]
            vectors.append(self.weight[torch.tensor(buckets)].mean(dim=0))
        return torch.stack(vectors)
