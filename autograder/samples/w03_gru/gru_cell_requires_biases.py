"""Wrong: gru_cell always adds bias_ih and bias_hh, so it fails when they are None.

GRUCell and GRU use a correct step of their own, so that only gru_cell loses its points.
"""
import math

import torch
import torch.nn as nn

EXPECT = {"gru_cell": "bias_ih and bias_hh may be None"}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gi, gh = x @ weight_ih.T + bias_ih, h @ weight_hh.T + bias_hh
    (i_r, i_z, i_n), (h_r, h_z, h_n) = gi.chunk(3, 1), gh.chunk(3, 1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def _gru_step(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """A correct GRU step of GRUCell and GRU, so that only the graded gru_cell is wrong."""
    if x.dim() != 2 or h.dim() != 2 or x.shape[0] != h.shape[0]:
        raise ValueError(f"x and h must be (batch, features) alike, got {tuple(x.shape)} and {tuple(h.shape)}")
    H = h.shape[1]
    if weight_ih.shape != (3 * H, x.shape[1]) or weight_hh.shape != (3 * H, H):
        raise ValueError(f"weights {tuple(weight_ih.shape)}, {tuple(weight_hh.shape)} do not fit x and h")
    gi, gh = x @ weight_ih.T, h @ weight_hh.T
    if bias_ih is not None:
        gi, gh = gi + bias_ih, gh + bias_hh
    (i_r, i_z, i_n), (h_r, h_z, h_n) = gi.chunk(3, 1), gh.chunk(3, 1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = 1 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(3 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(3 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(3 * hidden_size).uniform_(-k, k)) if bias else None

    def forward(self, x, h=None):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return _gru_step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.hidden_size, self.num_layers, self.bias = hidden_size, num_layers, bias
        self.batch_first, self.directions = batch_first, 2 if bidirectional else 1
        k = 1 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else self.directions * hidden_size
            for suffix in ("", "_reverse")[:self.directions]:
                shapes = {"weight_ih": (3 * hidden_size, n_in), "weight_hh": (3 * hidden_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(3 * hidden_size,), bias_hh=(3 * hidden_size,))
                for name, shape in shapes.items():
                    weight = torch.empty(shape).uniform_(-k, k)
                    self.register_parameter(f"{name}_l{layer}{suffix}", nn.Parameter(weight))

    def forward(self, x, h0=None):
        seq = x.transpose(0, 1) if self.batch_first else x
        state_shape = (self.num_layers * self.directions, seq.shape[1], self.hidden_size)
        if h0 is None:
            h0 = seq.new_zeros(state_shape)
        elif tuple(h0.shape) != state_shape:
            raise ValueError(f"h0 must be {state_shape}, got {tuple(h0.shape)}")
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(("", "_reverse")[:self.directions]):
                names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
                params = [getattr(self, f"{n}_l{layer}{suffix}", None) for n in names]
                h, states = h0[layer * self.directions + d], [None] * len(seq)
                for t in range(len(seq)) if d == 0 else reversed(range(len(seq))):
                    h = _gru_step(seq[t], h, *params)
                    states[t] = h
                outputs.append(torch.stack(states))
                finals.append(h)
            seq = torch.cat(outputs, dim=2)
        return (seq.transpose(0, 1) if self.batch_first else seq), torch.stack(finals)
