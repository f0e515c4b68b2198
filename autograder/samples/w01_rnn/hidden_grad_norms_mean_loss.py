"""Wrong: hidden_grad_norms backpropagates from h_T.mean() instead of L = h_T.sum()."""
import torch

EXPECT = {"hidden_grad_norms": "L = h_T.sum(), the sum over batch and hidden units, not the mean"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs:
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].mean().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
