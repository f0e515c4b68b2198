"""Correct, written differently: GRU stores layer/direction names in a table and reverses with index lists."""
import math

import torch
import torch.nn as nn

EXPECT = {}


class GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False):
        super().__init__()
        self.hidden_size, self.num_layers, self.bias, self.batch_first = hidden_size, num_layers, bias, batch_first
        self.num_directions = 2 if bidirectional else 1
        self.cells = []  # (layer, direction, parameter names)
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * self.num_directions
            for direction in range(self.num_directions):
                tag = f"l{layer}" + ("_reverse" if direction else "")
                names = [f"weight_ih_{tag}", f"weight_hh_{tag}"]
                self.register_parameter(names[0], nn.Parameter(torch.rand(3 * hidden_size, width) * 0.2 - 0.1))
                self.register_parameter(names[1], nn.Parameter(torch.rand(3 * hidden_size, hidden_size) * 0.2 - 0.1))
                if bias:
                    names += [f"bias_ih_{tag}", f"bias_hh_{tag}"]
                    for name in names[2:]:
                        self.register_parameter(name, nn.Parameter(torch.zeros(3 * hidden_size)))
                self.cells.append((layer, direction, names))

    def forward(self, x, h0=None):
        if self.batch_first:
            x = x.transpose(0, 1)
        T, B = x.shape[0], x.shape[1]
        state = [None] * (self.num_layers * self.num_directions)
        outputs = {}
        layer_input = x
        for layer, direction, names in self.cells:
            params = [getattr(self, n) for n in names] + ([] if self.bias else [None, None])
            index = layer * self.num_directions + direction
            h = h0[index] if h0 is not None else x.new_zeros(B, self.hidden_size)
            order = list(range(T)) if direction == 0 else list(reversed(range(T)))
            out = [None] * T
            for t in order:
                h = gru_cell(layer_input[t], h, *params)
                out[t] = h
            state[index] = h
            outputs[direction] = torch.stack(out, 0)
            if direction == self.num_directions - 1:
                layer_input = torch.cat([outputs[d] for d in range(self.num_directions)], dim=2)
        output = layer_input.transpose(0, 1) if self.batch_first else layer_input
        return output, torch.stack(state, 0)


def layer_norm(x, weight, bias, eps=1e-5):
    centered = x - x.mean(-1, keepdim=True)
    std = torch.sqrt(centered.pow(2).mean(-1, keepdim=True) + eps)
    return torch.addcmul(bias, centered / std, weight)


def weight_norm(v, g):
    norm = torch.linalg.vector_norm(v.reshape(v.shape[0], -1), dim=1).view(-1, *([1] * (v.dim() - 1)))
    return g * (v / norm)
