"""Wrong: lstm_cell unpacks the state the wrong way round: c, h = state."""
import torch

EXPECT = {"lstm_cell": "unpack it as h, c = state"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    c, h = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new
