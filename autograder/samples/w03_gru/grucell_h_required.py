"""Wrong: GRUCell.forward has no default for h, so GRUCell(...)(x) fails."""
import math

import torch
import torch.nn as nn

EXPECT = {"GRUCell": "h is optional: def forward(self, x, h=None)"}


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(3 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(3 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k)) if bias else None

    def forward(self, x, h):
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
