"""Wrong: fnv1a_32 copies fastText's C++ hash, which XORs each byte as a signed char (so a byte >= 0x80, every byte
of a Cyrillic letter, goes in as 0xFFFFFF00 | byte); right on ASCII, wrong on Russian words. NgramEmbedding hashes
its n-grams by itself, so only fnv1a_32 is wrong."""
import torch
import torch.nn as nn

EXPECT = {"fnv1a_32": "fastText's C++ code uses signed chars"}


def fnv1a_32(text):
    h = 2166136261
    for byte in text.encode("utf-8"):
        signed = byte - 256 if byte >= 0x80 else byte  # int8_t(byte), as fastText's Dictionary::hash reads it
        h = ((h ^ (signed % 2 ** 32)) * 16777619) % 2 ** 32
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
