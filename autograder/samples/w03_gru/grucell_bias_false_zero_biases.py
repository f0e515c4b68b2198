"""Wrong: GRUCell(bias=False) registers frozen zero biases instead of none."""
import math

import torch
import torch.nn as nn

EXPECT = {"GRUCell": "bias=False: register bias_ih and bias_hh as None"}


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(3 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(3 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k), requires_grad=bias)
        self.bias_hh = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k), requires_grad=bias)
        if not bias:
            with torch.no_grad():
                self.bias_ih.zero_()
                self.bias_hh.zero_()

    def forward(self, x, h=None):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
