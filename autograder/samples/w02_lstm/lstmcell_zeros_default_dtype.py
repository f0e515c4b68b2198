"""Wrong: LSTMCell's zero state is float32 whatever the dtype of x, so float64 modules fail with state=None."""
import math

import torch
import torch.nn as nn

EXPECT = {"LSTMCell": "zeros of x's dtype"}


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        else:
            self.bias_ih = self.bias_hh = None

    def forward(self, x, state=None):
        if state is None:
            zeros = torch.zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        return lstm_cell(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
