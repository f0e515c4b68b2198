"""Correct, written differently: einsum, and a list comprehension for the unroll."""
import torch

EXPECT = {}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    pre = torch.einsum("bi,hi->bh", x, weight_ih) + torch.einsum("bk,hk->bh", h, weight_hh)
    for bias in (bias_ih, bias_hh):
        if bias is not None:
            pre = pre + bias
    return torch.tanh(pre)


def rnn_forward(cell, xs, h0=None):
    if xs.ndim != 3:
        raise ValueError(f"xs must be (seq_len, batch, input_size), got {tuple(xs.shape)}")
    states = [h0]
    for t in range(xs.shape[0]):
        states.append(cell(xs[t], states[-1]))
    return torch.stack(states[1:], dim=0), states[-1]
