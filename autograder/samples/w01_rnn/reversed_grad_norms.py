"""Wrong: hidden_grad_norms returns the norms in reverse time order."""
import torch

EXPECT = {"hidden_grad_norms": "do not reverse the order"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs:
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in reversed(states)]).detach()
