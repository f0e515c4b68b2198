"""Wrong: LSTM's output holds the cell states c of every step instead of the hidden states h."""
import math

import torch
import torch.nn as nn

EXPECT = {"LSTM": 'output holds the hidden state h of every step'}


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size, self.batch_first = hidden_size, batch_first
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        for p in self.parameters():
            nn.init.uniform_(p, -1 / math.sqrt(hidden_size), 1 / math.sqrt(hidden_size))

    def forward(self, x, state=None):
        if self.batch_first:
            x = x.transpose(0, 1)
        if state is None:
            h = c = x.new_zeros(x.shape[1], self.hidden_size)
        else:
            h, c = state[0][0], state[1][0]
        outputs = []
        for x_t in x:
            h, c = lstm_cell(x_t, (h, c), self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            outputs.append(c)
        output = torch.stack(outputs)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, (h[None], c[None])
