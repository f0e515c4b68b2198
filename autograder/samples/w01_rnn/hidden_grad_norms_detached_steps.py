"""Wrong: hidden_grad_norms detaches the state between steps, so only the last step gets a gradient."""
import torch

EXPECT = {"hidden_grad_norms": "do not detach the state between steps"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs:
        h = cell(x, None if h is None else h.detach())
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() if s.grad is not None else torch.zeros((), dtype=xs.dtype)
                        for s in states]).detach()
