"""Wrong: RNNCell passes h=None on to rnn_cell instead of starting from zeros."""
import math

import torch
import torch.nn as nn

EXPECT = {"RNNCell": "h=None means a zero state"}


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
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
