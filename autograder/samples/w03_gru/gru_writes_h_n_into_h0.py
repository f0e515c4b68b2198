"""Wrong: GRU writes each final state into h0 and returns h0 as h_n."""
import math

import torch
import torch.nn as nn

EXPECT = {"GRU": "modifies an argument in place"}


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
                    h = gru_cell(seq[t], h, *params)
                    states[t] = h
                outputs.append(torch.stack(states))
                h0[layer * self.directions + d] = h
            seq = torch.cat(outputs, dim=2)
        return (seq.transpose(0, 1) if self.batch_first else seq), h0
