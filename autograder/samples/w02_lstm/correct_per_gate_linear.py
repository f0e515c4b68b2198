"""Correct, written differently: one linear map per gate on its block of rows; LSTM permutes for batch_first."""
import math

import torch
import torch.nn as nn

EXPECT = {}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.ndim != 2 or h.ndim != 2:
        raise ValueError(f"x and h must be (batch, features), got {tuple(x.shape)} and {tuple(h.shape)}")
    H = h.shape[1]
    activations = (torch.sigmoid, torch.sigmoid, torch.tanh, torch.sigmoid)
    gates = []
    for k, act in enumerate(activations):
        rows = slice(k * H, (k + 1) * H)
        pre = torch.nn.functional.linear(x, weight_ih[rows], None if bias_ih is None else bias_ih[rows])
        pre = pre + torch.nn.functional.linear(h, weight_hh[rows], None if bias_hh is None else bias_hh[rows])
        gates.append(act(pre))
    return tuple(gates)


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.hidden_size)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-bound, bound)

    def forward(self, x, state=None):
        if state is None:
            h = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
            state = (h, torch.zeros_like(h))
        return lstm_cell(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        bound = 1 / math.sqrt(hidden_size)
        for name, shape in [("weight_ih_l0", (4 * hidden_size, input_size)),
                            ("weight_hh_l0", (4 * hidden_size, hidden_size)),
                            ("bias_ih_l0", (4 * hidden_size,)), ("bias_hh_l0", (4 * hidden_size,))]:
            self.register_parameter(name, nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))

    def forward(self, x, state=None):
        xs = x.permute(1, 0, 2) if self.batch_first else x
        if state is None:
            h = xs.new_zeros(xs.shape[1], self.hidden_size)
            c = h
        else:
            h, c = state[0].squeeze(0), state[1].squeeze(0)
        hs = []
        for t in range(xs.shape[0]):
            h, c = lstm_cell(xs[t], (h, c), self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            hs.append(h)
        output = torch.stack(hs, dim=1 if self.batch_first else 0)
        return output, (h.unsqueeze(0), c.unsqueeze(0))
