"""Forbidden: lstm_cell calls torch.lstm_cell (LSTMCell and LSTM write the step out and do not)."""
import math

import torch
import torch.nn as nn

EXPECT = {"lstm_cell": "torch.lstm_cell"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.lstm_cell(x, tuple(state), weight_ih, weight_hh, bias_ih, bias_hh)


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


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size, self.batch_first = hidden_size, batch_first
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))

    def forward(self, x, state=None):  # the steps written out, not through lstm_cell
        xs = x.transpose(0, 1) if self.batch_first else x
        if state is None:
            h = c = xs.new_zeros(xs.shape[1], self.hidden_size)
        else:
            h, c = state[0][0], state[1][0]
        outputs = []
        for x_t in xs:
            i, f, g, o = lstm_gates(x_t, h, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            c = f * c + i * g
            h = o * torch.tanh(c)
            outputs.append(h)
        output = torch.stack(outputs)
        return (output.transpose(0, 1) if self.batch_first else output), (h[None], c[None])
