"""Wrong: GRUCell creates its parameters in float64, so it fails in float32."""
import math

import torch
import torch.nn as nn

EXPECT = {"GRUCell": "dtype float32, PyTorch's default"}


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        f64 = torch.float64
        self.weight_ih = nn.Parameter(torch.empty(3 * hidden_size, input_size, dtype=f64).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(3 * hidden_size, hidden_size, dtype=f64).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(3 * hidden_size, dtype=f64).uniform_(-k, k)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(3 * hidden_size, dtype=f64).uniform_(-k, k)) if bias else None

    def forward(self, x, h=None):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
