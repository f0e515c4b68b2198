"""Week 3: the GRU, deep and bidirectional RNNs, and normalization.

Each top-level definition below is one graded item of ``assignments/w03_gru``;
its source is copied verbatim into the notebook's answer cell.
"""
import math

import torch
import torch.nn as nn


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """One step of a GRU, with PyTorch's equations and gate order ``(r, z, n)``.

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

    x: (batch, input_size), h: (batch, hidden_size)
    weight_ih: (3*hidden_size, input_size), weight_hh: (3*hidden_size, hidden_size)
    bias_ih, bias_hh: (3*hidden_size,) or None
    returns: (batch, hidden_size)
    """
    ### BEGIN SOLUTION
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError(f"x and h must be 2-D (batch, features), got {tuple(x.shape)} and {tuple(h.shape)}")
    if x.shape[0] != h.shape[0]:
        raise ValueError(f"x and h must have the same batch size, got {x.shape[0]} and {h.shape[0]}")
    hidden_size = h.shape[1]
    if tuple(weight_ih.shape) != (3 * hidden_size, x.shape[1]):
        raise ValueError(f"weight_ih must be {(3 * hidden_size, x.shape[1])}, got {tuple(weight_ih.shape)}")
    if tuple(weight_hh.shape) != (3 * hidden_size, hidden_size):
        raise ValueError(f"weight_hh must be {(3 * hidden_size, hidden_size)}, got {tuple(weight_hh.shape)}")
    gi = x @ weight_ih.T
    gh = h @ weight_hh.T
    if bias_ih is not None:
        gi = gi + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    # The reset gate scales W_hn h + b_hn together, so b_hn is not merged with b_in.
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
    ### END SOLUTION


class GRUCell(nn.Module):
    """A GRU cell, state-dict compatible with ``nn.GRUCell``.

    forward(x: (batch, input_size), h: (batch, hidden_size) or None) -> (batch, hidden_size)
    """

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        ### BEGIN SOLUTION
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(3 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(3 * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(3 * hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(3 * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        ### END SOLUTION

    def forward(self, x, h=None):
        ### BEGIN SOLUTION
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        ### END SOLUTION


class GRU(nn.Module):
    """A multi-layer, optionally bidirectional GRU, state-dict compatible with ``nn.GRU``.

    Parameters per layer ``k`` (suffix ``_reverse`` for the backward direction):
    weight_ih_l{k}: (3*hidden_size, input_size) for k = 0, else (3*hidden_size, num_directions*hidden_size)
    weight_hh_l{k}: (3*hidden_size, hidden_size); bias_ih_l{k}, bias_hh_l{k}: (3*hidden_size,)

    forward(x, h0=None) -> (output, h_n)
    x: (seq_len, batch, input_size), or (batch, seq_len, input_size) if batch_first
    h0: (num_layers*num_directions, batch, hidden_size) or None (zeros)
    output: (seq_len, batch, num_directions*hidden_size), or batch first if batch_first
    h_n: (num_layers*num_directions, batch, hidden_size), whatever batch_first is
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, bidirectional=False):
        super().__init__()
        ### BEGIN SOLUTION
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.bidirectional = bidirectional
        num_directions = 2 if bidirectional else 1
        # Registered in nn.GRU's order: layer by layer, forward direction before reverse.
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else num_directions * hidden_size
            for direction in range(num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                setattr(self, "weight_ih" + suffix, nn.Parameter(torch.empty(3 * hidden_size, layer_input_size)))
                setattr(self, "weight_hh" + suffix, nn.Parameter(torch.empty(3 * hidden_size, hidden_size)))
                if bias:
                    setattr(self, "bias_ih" + suffix, nn.Parameter(torch.empty(3 * hidden_size)))
                    setattr(self, "bias_hh" + suffix, nn.Parameter(torch.empty(3 * hidden_size)))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        ### END SOLUTION

    def forward(self, x, h0=None):
        ### BEGIN SOLUTION
        if x.dim() != 3:
            raise ValueError(f"x must be 3-D (seq_len, batch, input_size) or batch first, got {tuple(x.shape)}")
        if self.batch_first:
            x = x.transpose(0, 1)
        seq_len, batch, input_size = x.shape
        if seq_len == 0:
            raise ValueError("x must contain at least one time step")
        if input_size != self.input_size:
            raise ValueError(f"expected input_size {self.input_size}, got {input_size}")
        num_directions = 2 if self.bidirectional else 1
        state_shape = (self.num_layers * num_directions, batch, self.hidden_size)
        if h0 is None:
            h0 = x.new_zeros(state_shape)
        elif tuple(h0.shape) != state_shape:
            raise ValueError(f"h0 must be {state_shape}, got {tuple(h0.shape)}")

        layer_input = x
        h_n = []
        for layer in range(self.num_layers):
            direction_outputs = []
            for direction in range(num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                weight_ih = getattr(self, "weight_ih" + suffix)
                weight_hh = getattr(self, "weight_hh" + suffix)
                bias_ih = getattr(self, "bias_ih" + suffix) if self.bias else None
                bias_hh = getattr(self, "bias_hh" + suffix) if self.bias else None
                h = h0[layer * num_directions + direction]
                # The reverse direction reads the sequence from the end; storing its
                # state at index t puts its outputs back in the original time order.
                steps = range(seq_len) if direction == 0 else range(seq_len - 1, -1, -1)
                outputs = [None] * seq_len
                for t in steps:
                    h = gru_cell(layer_input[t], h, weight_ih, weight_hh, bias_ih, bias_hh)
                    outputs[t] = h
                direction_outputs.append(torch.stack(outputs))
                h_n.append(h)
            layer_input = torch.cat(direction_outputs, dim=2)

        output = layer_input.transpose(0, 1) if self.batch_first else layer_input
        return output, torch.stack(h_n)
        ### END SOLUTION


def count_parameters(module):
    """The number of trainable scalars of ``module`` (parameters with ``requires_grad``), a Python int."""
    ### BEGIN SOLUTION
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
    ### END SOLUTION


def layer_norm(x, weight, bias, eps=1e-5):
    """Layer normalization over the last dimension, like ``F.layer_norm(x, x.shape[-1:], weight, bias, eps)``.

    x: (..., D), weight: (D,), bias: (D,)
    returns: (..., D), ``(x - mean) / sqrt(var + eps) * weight + bias`` with the biased variance
    """
    ### BEGIN SOLUTION
    if x.dim() < 1:
        raise ValueError("x must have at least one dimension")
    d = x.shape[-1]
    if tuple(weight.shape) != (d,) or tuple(bias.shape) != (d,):
        raise ValueError(f"weight and bias must be ({d},), got {tuple(weight.shape)} and {tuple(bias.shape)}")
    mean = x.mean(dim=-1, keepdim=True)
    centered = x - mean
    var = (centered * centered).mean(dim=-1, keepdim=True)
    return centered / torch.sqrt(var + eps) * weight + bias
    ### END SOLUTION


def weight_norm(v, g):
    """Weight normalization ``w = g * v / ||v||``, like ``parametrizations.weight_norm(dim=0)``.

    ``||v||`` is the L2 norm of each output row, over every dimension but 0.
    v: (out, in) (or (out, *rest)), g: (out, 1) (or (out, 1, ..., 1))
    returns: w with the shape of v
    """
    ### BEGIN SOLUTION
    if v.dim() < 2:
        raise ValueError(f"v must have at least 2 dimensions (out, ...), got {tuple(v.shape)}")
    norm = torch.linalg.vector_norm(v, dim=tuple(range(1, v.dim())), keepdim=True)
    if g.shape != norm.shape:
        raise ValueError(f"g must be {tuple(norm.shape)}, got {tuple(g.shape)}")
    return g * v / norm
    ### END SOLUTION
