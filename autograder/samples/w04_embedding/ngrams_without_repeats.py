"""Wrong: char_ngrams skips an n-gram it already listed, so 'aaaa' has one 'aaa'; NgramEmbedding takes
its n-grams by itself, so only char_ngrams is wrong."""
import torch
import torch.nn as nn

EXPECT = {"char_ngrams": "keep duplicates"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    grams = []
    for n in range(n_min, n_max + 1):
        for i in range(len(wrapped) - n + 1):
            if wrapped[i:i + n] not in grams:
                grams.append(wrapped[i:i + n])
    return grams

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
