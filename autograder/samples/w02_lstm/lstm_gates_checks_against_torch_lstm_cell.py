"""Forbidden: lstm_gates still compares itself with torch.lstm_cell, a check left in from debugging."""
import math

import torch
import torch.nn as nn

EXPECT = {"lstm_gates": "torch.lstm_cell"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    h_check, _ = torch.lstm_cell(x, (h, torch.zeros_like(h)), weight_ih, weight_hh, bias_ih, bias_hh)
    assert torch.allclose(h_check, o * torch.tanh(i * g), atol=1e-3)  # with c = 0: h_new = o * tanh(i * g)
    return i, f, g, o


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):  # the step written out, not through lstm_gates
    h, c = state
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    i, f, g, o = pre.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
