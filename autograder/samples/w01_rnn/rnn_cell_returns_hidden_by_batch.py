"""Wrong: rnn_cell computes W x^T, a (hidden, batch) result (its RNNCell writes the step out and is right)."""
import math

import torch
import torch.nn as nn

EXPECT = {"rnn_cell": "compute x @ weight_ih.T, not weight_ih @ x.T"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    pre = weight_ih @ x.T + weight_hh @ h.T
    if bias_ih is not None:
        pre = pre + bias_ih[:, None] + bias_hh[:, None]
    return torch.tanh(pre)


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
