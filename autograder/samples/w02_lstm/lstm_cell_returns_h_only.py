"""Wrong: lstm_cell returns only h_new, dropping the new cell state."""
import torch

EXPECT = {"lstm_cell": "return both results as one tuple"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * g
    return o * torch.tanh(c_new)
