"""Wrong: hidden_grad_norms returns one norm per sequence of the batch, a (seq_len, batch) tensor."""
import torch

EXPECT = {"hidden_grad_norms": "return one number per time step"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs:
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm(dim=1) for s in states]).detach()
