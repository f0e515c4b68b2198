"""Wrong: c_new = f*c + g, the candidate is written without the input gate."""
import torch

EXPECT = {"lstm_cell": "c_new = f*c + i*g: the input gate i scales g"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + g
    return o * torch.tanh(c_new), c_new
