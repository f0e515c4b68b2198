"""Wrong: lstm_gates does not raise ValueError for inputs that are not 2-D (the task asks for it)."""
import math

import torch
import torch.nn as nn

EXPECT = {"lstm_gates": "check x.dim() and h.dim() first and raise ValueError"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
