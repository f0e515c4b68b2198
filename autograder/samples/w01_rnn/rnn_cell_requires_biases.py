"""Wrong: rnn_cell always adds both biases, so it fails when they are None (RNNCell is right)."""
import math

import torch
import torch.nn as nn

EXPECT = {"rnn_cell": "bias_ih and bias_hh may be None"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    return torch.tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k)) if bias else None

    def forward(self, x, h=None):  # the step written out, not through rnn_cell
        pre = x @ self.weight_ih.T
        if h is not None:
            pre = pre + h @ self.weight_hh.T
        if self.bias_ih is not None:
            pre = pre + self.bias_ih + self.bias_hh
        return torch.tanh(pre)
