"""Wrong: lstm_gates adds bias_ih twice (a copy-paste slip) and never bias_hh."""
import torch

EXPECT = {"lstm_gates": "not the same bias twice"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih
    if bias_hh is not None:
        gates = gates + bias_ih
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
