"""Correct, written differently: einsum and float64 inside, explicit sums for the statistics and norms."""
import math

import torch
import torch.nn as nn

EXPECT = {}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2 or x.shape[0] != h.shape[0]:
        raise ValueError(f"x and h must be 2-D with one batch size, got {tuple(x.shape)} and {tuple(h.shape)}")
    dtype = x.dtype
    x64, h64 = x.double(), h.double()
    gi = torch.einsum("bi,gi->bg", x64, weight_ih.double())
    gh = torch.einsum("bj,gj->bg", h64, weight_hh.double())
    if bias_ih is not None:
        gi = gi + bias_ih.double()
    if bias_hh is not None:
        gh = gh + bias_hh.double()
    H = h.shape[-1]
    sigmoid = lambda t: 1 / (1 + torch.exp(-t))
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (torch.lerp(n, h64, z)).to(dtype)


def count_parameters(module):
    seen, total = set(), 0
    for p in module.parameters():
        if p.requires_grad and id(p) not in seen:
            seen.add(id(p))
            total += math.prod(p.shape)
    return int(total)


def layer_norm(x, weight, bias, eps=1e-5):
    d = x.shape[-1]
    x64 = x.double()
    mean = x64.sum(dim=-1, keepdim=True) / d
    var = ((x64 - mean) ** 2).sum(dim=-1, keepdim=True) / d
    out = (x64 - mean) / (var + eps) ** 0.5 * weight.double() + bias.double()
    return out.to(x.dtype)


def weight_norm(v, g):
    dims = list(range(1, v.dim()))
    norm = (v.double() ** 2).sum(dim=dims, keepdim=True).sqrt()
    return (g.double() * v.double() / norm).to(v.dtype)
