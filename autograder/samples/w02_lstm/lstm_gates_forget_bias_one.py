"""Wrong: lstm_gates adds 1 to the forget gate's pre-activation (the forget-bias initialisation trick)."""
import torch

EXPECT = {"lstm_gates": "do not add 1 to the forget gate"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f + 1.0), torch.tanh(g), torch.sigmoid(o)
