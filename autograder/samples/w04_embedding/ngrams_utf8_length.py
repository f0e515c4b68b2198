"""Wrong: char_ngrams counts the positions in UTF-8 bytes (len of the encoded word), so non-ASCII words
get extra, cut-off n-grams; NgramEmbedding takes its n-grams by itself, so only char_ngrams is wrong."""
import torch
import torch.nn as nn

EXPECT = {"char_ngrams": "not in UTF-8 bytes"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    length = len(wrapped.encode("utf-8"))  # bytes, as fnv1a_32 sees the text
    return [wrapped[i:i + n] for n in range(n_min, n_max + 1) for i in range(length - n + 1)]

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
