"""Wrong: hidden_grad_norms converts xs to float64, so a float32 cell gets inputs of the wrong dtype."""
import torch

EXPECT = {"hidden_grad_norms": "compute in their dtype"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs.double():
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
