"""Wrong: sigmoid for the candidate g as well (it needs tanh: g must be able to be negative)."""
import torch

EXPECT = {"lstm_gates": "g (the candidate cell update) uses tanh, not sigmoid"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = torch.sigmoid(gates).chunk(4, dim=1)
    return i, f, g, o
