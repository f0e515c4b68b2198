"""Correct, written differently: tanh via sigmoid, torch.unbind over time, parameters drawn with torch.rand."""
import math

import torch
import torch.nn as nn

EXPECT = {}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = c - (1 - f) * c + i * g          # f*c + i*g, written as "keep all, then forget 1 - f"
    return o * (2 * torch.sigmoid(2 * c_new) - 1), c_new   # tanh(z) = 2*sigmoid(2z) - 1


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        k = 1 / math.sqrt(hidden_size)
        self.hidden_size, self.batch_first = hidden_size, batch_first
        self.weight_ih_l0 = nn.Parameter(torch.rand(4 * hidden_size, input_size) * 2 * k - k)
        self.weight_hh_l0 = nn.Parameter(torch.rand(4 * hidden_size, hidden_size) * 2 * k - k)
        self.bias_ih_l0 = nn.Parameter(torch.rand(4 * hidden_size) * 2 * k - k)
        self.bias_hh_l0 = nn.Parameter(torch.rand(4 * hidden_size) * 2 * k - k)

    def forward(self, x, state=None):
        steps = torch.unbind(x, dim=1 if self.batch_first else 0)
        if state is None:
            zeros = torch.zeros(steps[0].shape[0], self.hidden_size, dtype=x.dtype)
            h, c = zeros, zeros
        else:
            (h,), (c,) = state[0], state[1]
        params = (self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
        outputs = []
        for x_t in steps:
            h, c = lstm_cell(x_t, (h, c), *params)
            outputs.append(h)
        output = torch.stack(outputs, dim=1 if self.batch_first else 0)
        return output, (h[None], c[None])
