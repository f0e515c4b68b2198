"""Correct, written differently: one-hot matrix products for the lookup and its gradient, a bag matrix for n-grams."""
import torch
import torch.nn as nn

EXPECT = {}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.padding_idx = padding_idx
        weight = torch.randn(num_embeddings, embedding_dim)
        if padding_idx is not None:
            weight[padding_idx] = 0.0
        self.weight = nn.Parameter(weight)

    def forward(self, indices):
        if ((indices < 0) | (indices >= self.num_embeddings)).any():
            raise ValueError("indices must be in [0, num_embeddings)")
        # the lookup as a product with one-hot rows; padding positions contribute through a 0/1 mask
        one_hot = nn.functional.one_hot(indices, self.num_embeddings).to(self.weight.dtype)
        if self.padding_idx is not None:
            keep = (indices != self.padding_idx).to(self.weight.dtype).unsqueeze(-1)
            return (one_hot @ self.weight) * keep + (one_hot @ self.weight.detach()) * (1 - keep)
        return one_hot @ self.weight


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    if grad_output.shape[:-1] != indices.shape or grad_output.dim() == indices.dim():
        raise ValueError(f"grad_output {tuple(grad_output.shape)} does not match indices {tuple(indices.shape)}")
    one_hot = nn.functional.one_hot(indices.reshape(-1), num_embeddings).to(grad_output.dtype)  # (N, V)
    grad_weight = one_hot.T @ grad_output.reshape(-1, grad_output.shape[-1])                   # (V, D)
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight


def char_ngrams(word, n_min=3, n_max=6):
    if n_min < 1 or n_min > n_max:
        raise ValueError(f"bad n range {n_min}..{n_max}")
    wrapped = "<%s>" % word
    grams = []
    n = n_min
    while n <= n_max:
        start = 0
        while start + n <= len(wrapped):
            grams.append(wrapped[start:start + n])
            start += 1
        n += 1
    return grams


def fnv1a_32(text):
    import functools

    return functools.reduce(lambda h, b: ((h ^ b) * 0x01000193) % (1 << 32), text.encode("utf-8"), 0x811C9DC5)


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets = num_buckets
        self.n_range = (n_min, n_max)
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        bag = torch.zeros(len(words), self.num_buckets, dtype=self.weight.dtype)  # word k, bucket j: share of j
        for k, word in enumerate(words):
            grams = char_ngrams(word, *self.n_range)
            for g in grams:
                bag[k, fnv1a_32(g) % self.num_buckets] += 1.0 / len(grams)
        return bag @ self.weight
