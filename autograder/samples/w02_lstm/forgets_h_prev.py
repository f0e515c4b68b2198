"""Wrong: the gates ignore the previous hidden state (no h @ weight_hh.T)."""
import torch

EXPECT = {"lstm_gates": "include the previous hidden state: + h @ weight_hh.T"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = x @ weight_ih.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
