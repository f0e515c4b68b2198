"""Wrong: RNNCell always starts from zeros, even when h is given."""
import math

import torch
import torch.nn as nn

EXPECT = {"RNNCell": "start from the given h"}


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
            self.bias_hh = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
        else:
            self.bias_ih = self.bias_hh = None

    def forward(self, x, h=None):
        h = x.new_zeros(x.shape[0], self.hidden_size)
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
