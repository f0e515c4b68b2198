"""Wrong: lstm_gates multiplies x by weight_hh and h by weight_ih."""
import torch

EXPECT = {"lstm_gates": "x goes with weight_ih and h with weight_hh"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_hh.T + h @ weight_ih.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
