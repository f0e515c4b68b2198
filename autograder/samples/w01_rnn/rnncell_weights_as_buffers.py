"""Wrong: RNNCell registers its weights as buffers, so they are in the state dict but never trained."""
import math

import torch
import torch.nn as nn

EXPECT = {"RNNCell": "store weights as nn.Parameter"}


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.register_buffer("weight_ih", torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.register_buffer("weight_hh", torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        self.register_buffer("bias_ih", torch.empty(hidden_size).uniform_(-k, k) if bias else None)
        self.register_buffer("bias_hh", torch.empty(hidden_size).uniform_(-k, k) if bias else None)

    def forward(self, x, h=None):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
