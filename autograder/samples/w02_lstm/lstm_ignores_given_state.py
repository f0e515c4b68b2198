"""Wrong: LSTM always starts from zeros, even when a state (h0, c0) is given."""
import math

import torch
import torch.nn as nn

EXPECT = {"LSTM": "start from the given state (h0, c0)"}


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size, self.batch_first = hidden_size, batch_first
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))

    def forward(self, x, state=None):
        xs = x.transpose(0, 1) if self.batch_first else x
        h = c = xs.new_zeros(xs.shape[1], self.hidden_size)
        outputs = []
        for x_t in xs:
            h, c = lstm_cell(x_t, (h, c), self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            outputs.append(h)
        output = torch.stack(outputs)
        return (output.transpose(0, 1) if self.batch_first else output), (h[None], c[None])
