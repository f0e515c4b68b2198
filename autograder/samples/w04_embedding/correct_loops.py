"""Correct, written differently: explicit Python loops everywhere, float64 accumulation inside."""
import torch
import torch.nn as nn

EXPECT = {}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim).normal_())
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx].zero_()

    def forward(self, indices):
        rows = []
        for index in indices.reshape(-1).tolist():
            if not 0 <= index < self.weight.shape[0]:
                raise ValueError(f"index {index} is outside [0, {self.weight.shape[0]})")
            row = self.weight[index]
            rows.append(row.detach() if index == self.padding_idx else row)
        D = self.weight.shape[1]
        if not rows:
            return self.weight.new_zeros(*indices.shape, D)
        return torch.stack(rows).reshape(*indices.shape, D)


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    if list(grad_output.shape[:-1]) != list(indices.shape) or grad_output.dim() != indices.dim() + 1:
        raise ValueError("grad_output must have the shape (*indices.shape, D)")
    D = grad_output.shape[-1]
    total = torch.zeros(num_embeddings, D, dtype=torch.float64)
    for index, g in zip(indices.reshape(-1).tolist(), grad_output.reshape(-1, D).double()):
        if padding_idx is None or index != padding_idx:
            total[index] += g
    return total.to(grad_output.dtype)


def char_ngrams(word, n_min=3, n_max=6):
    if not 1 <= n_min <= n_max:
        raise ValueError("need 1 <= n_min <= n_max")
    wrapped = "<" + word + ">"
    grams = []
    for n in range(n_min, n_max + 1):
        for start in range(0, len(wrapped) - n + 1):
            grams.append("".join(wrapped[start + j] for j in range(n)))
    return grams


def fnv1a_32(text):
    h = 0x811C9DC5
    for byte in bytearray(text, "utf-8"):
        h = h ^ byte
        h = h * 16777619
        h = h % 4294967296
    return int(h)


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        vectors = []
        for word in words:
            grams = char_ngrams(word, self.n_min, self.n_max)
            total = 0
            for g in grams:
                total = total + self.weight[fnv1a_32(g) % self.num_buckets].double()
            vectors.append((total / len(grams)).to(self.weight.dtype))
        return torch.stack(vectors)
