"""Wrong: lstm_cell squashes the new cell state with sigmoid: h_new = o * sigmoid(c_new)."""
import torch

EXPECT = {"lstm_cell": "tanh, not sigmoid, squashes the cell state"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * g
    return o * torch.sigmoid(c_new), c_new
