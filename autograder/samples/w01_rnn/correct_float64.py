"""Correct, written differently: computes in float64 internally, then casts back."""
import torch

EXPECT = {}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.ndim != 2 or h.ndim != 2:
        raise ValueError("x and h must be (batch, features)")
    d = torch.float64
    pre = x.to(d) @ weight_ih.to(d).t() + h.to(d) @ weight_hh.to(d).t()
    if bias_ih is not None:
        pre = pre + bias_ih.to(d) + bias_hh.to(d)
    return torch.tanh(pre).to(x.dtype)


def hidden_grad_norms(cell, xs):
    h = cell(xs[0], None)
    states = [h]
    for x in xs[1:]:
        states.append(cell(x, states[-1]))
    grads = torch.autograd.grad(states[-1].sum(), states)
    return torch.tensor([g.double().pow(2).sum().sqrt().item() for g in grads])
