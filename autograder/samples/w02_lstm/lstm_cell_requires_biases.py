"""Wrong: lstm_cell writes the gates out and always adds both biases, so it fails when they are None."""
import math

import torch
import torch.nn as nn

EXPECT = {"lstm_cell": "bias_ih and bias_hh may be None"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    pre = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    i, f, g, o = pre.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k)) if bias else None

    def forward(self, x, state=None):  # the step written out, not through lstm_cell
        if state is None:
            state = (x.new_zeros(x.shape[0], self.hidden_size), x.new_zeros(x.shape[0], self.hidden_size))
        h, c = state
        i, f, g, o = lstm_gates(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        c = f * c + i * g
        return o * torch.tanh(c), c
