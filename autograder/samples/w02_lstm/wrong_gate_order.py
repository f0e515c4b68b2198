"""Wrong: the pre-activations are split as (i, f, o, g) instead of PyTorch's (i, f, g, o)."""
import torch

EXPECT = {"lstm_gates": "g is the third block of hidden_size rows of the weights, o the fourth"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, o, g = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
