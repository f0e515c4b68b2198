"""Wrong: only bias_ih is added to the gates; bias_hh is forgotten."""
import torch

EXPECT = {"lstm_gates": "add bias_hh too, not only bias_ih"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
