"""Wrong: lstm_cell applies tanh to g again, although lstm_gates already returns tanh(g)."""
import torch

EXPECT = {"lstm_cell": "g is already tanh-activated"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * torch.tanh(g)
    return o * torch.tanh(c_new), c_new
