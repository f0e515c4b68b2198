"""Correct, written differently: index_select, torch.where and scatter_add_; NgramEmbedding segment-means with
nn.functional.embedding (allowed there: only the bag version is forbidden)."""
import torch
import torch.nn as nn

EXPECT = {}


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        if padding_idx is not None and padding_idx < 0:
            padding_idx += num_embeddings
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx] = 0

    def forward(self, indices):
        if indices.numel() and not (0 <= int(indices.min()) and int(indices.max()) < len(self.weight)):
            raise ValueError("index out of range")
        rows = self.weight.index_select(0, indices.reshape(-1)).view(*indices.shape, -1)
        if self.padding_idx is None:
            return rows
        return torch.where((indices == self.padding_idx)[..., None], rows.detach(), rows)


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    if tuple(grad_output.shape)[:-1] != tuple(indices.shape) or grad_output.dim() != indices.dim() + 1:
        raise ValueError("grad_output must be (*indices.shape, D)")
    D = grad_output.shape[-1]
    src = grad_output.reshape(-1, D)
    index = indices.reshape(-1, 1).expand(-1, D)
    grad_weight = torch.zeros(num_embeddings, D, dtype=grad_output.dtype).scatter_add_(0, index, src)
    if padding_idx is not None:
        grad_weight[padding_idx].zero_()
    return grad_weight


def char_ngrams(word, n_min=3, n_max=6):
    if min(n_min, n_max - n_min + 1) < 1:
        raise ValueError("need 1 <= n_min <= n_max")
    wrapped = "".join(["<", word, ">"])
    return sum(([wrapped[i:i + n] for i in range(len(wrapped) - n + 1)] for n in range(n_min, n_max + 1)), [])


def fnv1a_32(text):
    h = 2166136261
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.weight = nn.Parameter(torch.randn(num_buckets, embedding_dim))

    def forward(self, words):
        buckets, owner = [], []
        for k, word in enumerate(words):
            ids = [fnv1a_32(g) % self.num_buckets for g in char_ngrams(word, self.n_min, self.n_max)]
            buckets += ids
            owner += [k] * len(ids)
        rows = nn.functional.embedding(torch.tensor(buckets), self.weight)        # (total n-grams, D)
        owner = torch.tensor(owner)
        sums = rows.new_zeros(len(words), rows.shape[1]).index_add_(0, owner, rows)
        counts = torch.bincount(owner, minlength=len(words)).to(rows.dtype)
        return sums / counts[:, None]
