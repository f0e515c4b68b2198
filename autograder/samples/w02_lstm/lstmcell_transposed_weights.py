"""Wrong: LSTMCell stores its weights as (in_features, 4*hidden_size), the transpose of nn.LSTMCell's."""
import math

import torch
import torch.nn as nn

EXPECT = {"LSTMCell": "weight_ih has the wrong shape"}


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(input_size, 4 * hidden_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, 4 * hidden_size).uniform_(-k, k))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        else:
            self.bias_ih = self.bias_hh = None

    def forward(self, x, state=None):
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        return lstm_cell(x, state, self.weight_ih.T, self.weight_hh.T, self.bias_ih, self.bias_hh)
