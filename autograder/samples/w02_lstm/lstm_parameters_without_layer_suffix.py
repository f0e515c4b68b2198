"""Wrong: LSTM names its parameters weight_ih, ... as a cell does, without nn.LSTM's layer suffix _l0."""
import math

import torch
import torch.nn as nn

EXPECT = {"LSTM": "has the wrong parameters (state_dict keys)"}


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size, self.batch_first = hidden_size, batch_first
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))

    def forward(self, x, state=None):
        xs = x.transpose(0, 1) if self.batch_first else x
        if state is None:
            h = c = xs.new_zeros(xs.shape[1], self.hidden_size)
        else:
            h, c = state[0][0], state[1][0]
        outputs = []
        for x_t in xs:
            h, c = lstm_cell(x_t, (h, c), self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
            outputs.append(h)
        output = torch.stack(outputs)
        return (output.transpose(0, 1) if self.batch_first else output), (h[None], c[None])
