"""Week 4: embeddings, their gradient, and hashed character n-grams.

Each top-level definition below is one graded item of ``assignments/w04_embedding``;
its source is copied verbatim into the notebook's answer cell.
"""
import math

import torch
import torch.nn as nn


class Embedding(nn.Module):
    """A lookup table, state-dict compatible with ``nn.Embedding``.

    weight: (num_embeddings, embedding_dim), initialised from N(0, 1); the
    ``padding_idx`` row starts at zero and never receives a gradient.

    forward(indices: integer tensor of any shape (...)) -> (..., embedding_dim)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        ### BEGIN SOLUTION
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"padding_idx must be in [{-num_embeddings}, {num_embeddings}), got {padding_idx}")
            # Stored non-negative, as nn.Embedding does.
            padding_idx = padding_idx % num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim))
        nn.init.normal_(self.weight)
        if padding_idx is not None:
            with torch.no_grad():
                self.weight[padding_idx].fill_(0)
        ### END SOLUTION

    def forward(self, indices):
        ### BEGIN SOLUTION
        if indices.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"indices must be an integer (long or int) tensor, got {indices.dtype}")
        if indices.numel() > 0 and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            raise ValueError(f"indices must be in [0, {self.num_embeddings})")
        rows = self.weight[indices]
        if self.padding_idx is not None:
            # Padding positions read the same values through a detached copy, so no
            # gradient reaches the padding row (exactly like nn.Embedding).
            is_pad = (indices == self.padding_idx).unsqueeze(-1)
            rows = torch.where(is_pad, rows.detach(), rows)
        return rows
        ### END SOLUTION


def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    """The gradient of an embedding's weight, computed by hand (no autograd).

    indices: integer tensor of any shape (...), grad_output: (..., D)
    returns: (num_embeddings, D); repeated indices sum their gradients and the
    ``padding_idx`` row is zero
    """
    ### BEGIN SOLUTION
    if grad_output.dim() != indices.dim() + 1 or grad_output.shape[:-1] != indices.shape:
        raise ValueError(
            f"grad_output must be (*indices.shape, D) = ({', '.join(map(str, indices.shape))}, D), "
            f"got {tuple(grad_output.shape)}"
        )
    if indices.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"indices must be an integer (long or int) tensor, got {indices.dtype}")
    if indices.numel() > 0 and (indices.min() < 0 or indices.max() >= num_embeddings):
        raise ValueError(f"indices must be in [0, {num_embeddings})")
    if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"padding_idx must be in [{-num_embeddings}, {num_embeddings}), got {padding_idx}")
    embedding_dim = grad_output.shape[-1]
    grad_weight = grad_output.new_zeros(num_embeddings, embedding_dim)
    # Row indices[j] receives grad_output[j]; index_add_ accumulates repeated indices.
    grad_weight.index_add_(0, indices.reshape(-1), grad_output.reshape(-1, embedding_dim))
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
    ### END SOLUTION


def char_ngrams(word, n_min=3, n_max=6):
    """The character n-grams of ``"<" + word + ">"``, as in fastText.

    Characters are Unicode code points. Ordered by n (from n_min to n_max), then
    by position; duplicates are kept; an n longer than the wrapped word gives none.
    returns: list[str]
    """
    ### BEGIN SOLUTION
    if n_min < 1 or n_max < n_min:
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min}, n_max={n_max}")
    wrapped = "<" + word + ">"
    return [wrapped[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(wrapped) - n + 1)]
    ### END SOLUTION


def fnv1a_32(text):
    """32-bit FNV-1a hash of the UTF-8 bytes of ``text``: an int in [0, 2**32)."""
    ### BEGIN SOLUTION
    h = 2166136261
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 16777619) & 0xFFFFFFFF
    return h
    ### END SOLUTION


class NgramEmbedding(nn.Module):
    """Hashed character n-gram word embeddings (fastText's subword model).

    weight: (num_buckets, embedding_dim), initialised from N(0, 1) like ``nn.EmbeddingBag``.

    forward(words: list[str]) -> (len(words), embedding_dim): for each word, the mean of
    the rows ``fnv1a_32(g) % num_buckets`` over ``g`` in ``char_ngrams(word, n_min, n_max)``
    """

    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        ### BEGIN SOLUTION
        if n_min < 1 or n_max < n_min:
            raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min}, n_max={n_max}")
        self.num_buckets = num_buckets
        self.embedding_dim = embedding_dim
        self.n_min = n_min
        self.n_max = n_max
        self.weight = nn.Parameter(torch.empty(num_buckets, embedding_dim))
        nn.init.normal_(self.weight)
        ### END SOLUTION

    def forward(self, words):
        ### BEGIN SOLUTION
        if isinstance(words, str):
            raise ValueError("words must be a list of strings, not a single string")
        vectors = []
        for word in words:
            grams = char_ngrams(word, self.n_min, self.n_max)
            if not grams:
                raise ValueError(f"word {word!r} has no n-grams with n_min={self.n_min}, n_max={self.n_max}")
            buckets = torch.tensor([fnv1a_32(g) % self.num_buckets for g in grams], device=self.weight.device)
            vectors.append(self.weight[buckets].mean(dim=0))
        if not vectors:
            return self.weight.new_zeros(0, self.embedding_dim)
        return torch.stack(vectors)
        ### END SOLUTION
