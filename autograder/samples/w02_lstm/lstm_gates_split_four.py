"""Wrong: lstm_gates splits with torch.split(gates, 4, dim=1): blocks of 4 columns, not 4 blocks."""
import torch

EXPECT = {"lstm_gates": ".split(4, dim=1) makes blocks of 4 columns"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = torch.split(gates, 4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
