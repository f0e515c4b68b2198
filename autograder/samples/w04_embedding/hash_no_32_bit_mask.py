"""Wrong: fnv1a_32 never reduces modulo 2**32, so the hash grows without bound; NgramEmbedding hashes its
n-grams by itself, so only fnv1a_32 is wrong."""
import torch
import torch.nn as nn

EXPECT = {"fnv1a_32": "is outside [0, 2**32)"}


def fnv1a_32(text):
    h = 2166136261
    for byte in text.encode("utf-8"):
        h = (h ^ byte) * 16777619
    return h

class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        # its own n-grams and FNV-1a, written out again: it does not call char_ngrams or fnv1a_32
        vectors = []
        for word in words:
            wrapped = "<" + word + ">"
            buckets = []
            for n in range(self.n_min, self.n_max + 1):
                for i in range(len(wrapped) - n + 1):
                    h = 2166136261
                    for byte in wrapped[i:i + n].encode("utf-8"):
                        h = ((h ^ byte) * 16777619) % 2 ** 32
                    buckets.append(h % self.num_buckets)
            vectors.append(self.weight[torch.tensor(buckets)].mean(dim=0))
        return torch.stack(vectors)
