"""Wrong: h_n lists every forward final state first, then every reverse one (not layer by layer)."""
import math

import torch
import torch.nn as nn

EXPECT = {"GRU": 'h_n is ordered layer by layer'}


class GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else directions * hidden_size
            for suffix in ["", "_reverse"][:directions]:
                s = f"_l{layer}{suffix}"
                setattr(self, "weight_ih" + s, nn.Parameter(torch.empty(3 * hidden_size, n_in)))
                setattr(self, "weight_hh" + s, nn.Parameter(torch.empty(3 * hidden_size, hidden_size)))
                if bias:
                    setattr(self, "bias_ih" + s, nn.Parameter(torch.empty(3 * hidden_size)))
                    setattr(self, "bias_hh" + s, nn.Parameter(torch.empty(3 * hidden_size)))
        for p in self.parameters():
            nn.init.uniform_(p, -1 / math.sqrt(hidden_size), 1 / math.sqrt(hidden_size))

    def forward(self, x, h0=None):
        if self.batch_first:
            x = x.transpose(0, 1)
        directions = 2 if self.bidirectional else 1
        if h0 is None:
            h0 = x.new_zeros(self.num_layers * directions, x.shape[1], self.hidden_size)
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                s = f"_l{layer}{suffix}"
                params = [getattr(self, n + s) if self.bias else None for n in ("bias_ih", "bias_hh")]
                params = [getattr(self, "weight_ih" + s), getattr(self, "weight_hh" + s)] + params
                seq = x if d == 0 else x.flip(0)
                h = h0[layer * directions + d]
                hs = []
                for x_t in seq:
                    h = gru_cell(x_t, h, *params)
                    hs.append(h)
                out = torch.stack(hs)
                outs.append(out if d == 0 else out.flip(0))
                finals.append(h)
            x = torch.cat(outs, dim=2)
        h_n = torch.stack(finals[0::2] + finals[1::2] if directions == 2 else finals)
        return (x.transpose(0, 1) if self.batch_first else x), h_n
