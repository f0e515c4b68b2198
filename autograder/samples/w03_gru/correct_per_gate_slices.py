"""Correct, written differently: per-gate weight slices with F.linear, a GRU that flips the reverse direction's input."""
import math

import torch
import torch.nn as nn

EXPECT = {}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2 or x.shape[0] != h.shape[0]:
        raise ValueError(f"x and h must be 2-D with one batch size, got {tuple(x.shape)} and {tuple(h.shape)}")
    H = h.shape[1]
    linear = torch.nn.functional.linear

    def pre(weight, bias, inp, k):
        rows = slice(k * H, (k + 1) * H)
        return linear(inp, weight[rows], None if bias is None else bias[rows])

    r = torch.sigmoid(pre(weight_ih, bias_ih, x, 0) + pre(weight_hh, bias_hh, h, 0))
    z = torch.sigmoid(pre(weight_ih, bias_ih, x, 1) + pre(weight_hh, bias_hh, h, 1))
    n = torch.tanh(pre(weight_ih, bias_ih, x, 2) + r * pre(weight_hh, bias_hh, h, 2))
    return n + z * (h - n)


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
            h = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False):
        super().__init__()
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
                    self.register_parameter(f"{name}_l{layer}{suffix}", nn.Parameter(torch.empty(shape).uniform_(-k, k)))

    def forward(self, x, h0=None):
        seq = x.permute(1, 0, 2) if self.batch_first else x
        if h0 is None:
            h0 = seq.new_zeros(self.num_layers * self.directions, seq.shape[1], self.hidden_size)
        finals = []
        for layer in range(self.num_layers):
            per_direction = []
            for d, suffix in enumerate(("", "_reverse")[:self.directions]):
                get = lambda name: getattr(self, f"{name}_l{layer}{suffix}", None) if self.bias or name[0] == "w" else None
                params = [get(n) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                inputs = seq if d == 0 else torch.flip(seq, dims=[0])
                h = h0[layer * self.directions + d]
                states = []
                for x_t in inputs.unbind(0):
                    h = gru_cell(x_t, h, *params)
                    states.append(h)
                states = torch.stack(states)
                per_direction.append(states if d == 0 else torch.flip(states, dims=[0]))
                finals.append(h)
            seq = torch.cat(per_direction, dim=-1)
        return (seq.permute(1, 0, 2) if self.batch_first else seq), torch.stack(finals)


def count_parameters(module):
    return sum(p.numel() for name, p in module.named_parameters() if p.requires_grad)


def layer_norm(x, weight, bias, eps=1e-5):
    var, mean = torch.var_mean(x, dim=-1, keepdim=True, correction=0)
    return weight * (x - mean) * torch.rsqrt(var + eps) + bias


def weight_norm(v, g):
    norms = v.flatten(1).norm(dim=1)
    return v * (g.flatten() / norms).reshape(g.shape)
