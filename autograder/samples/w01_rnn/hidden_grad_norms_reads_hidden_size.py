"""Wrong: hidden_grad_norms builds the zero state from cell.hidden_size, so a cell without it fails."""
import torch

EXPECT = {"hidden_grad_norms": "the cell is any callable cell(x, h) -> h_new"}


def hidden_grad_norms(cell, xs):
    h = xs.new_zeros(xs.shape[1], cell.hidden_size)
    states = []
    for x in xs:
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
