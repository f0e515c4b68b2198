"""Week 2: LSTM gates, the LSTM cell and a one-layer LSTM.

Each top-level definition below is one graded item of ``assignments/w02_lstm``;
its source is copied verbatim into the notebook's answer cell.
"""
import math

import torch
import torch.nn as nn


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """The four activated gates of an LSTM step, in PyTorch's order ``(i, f, g, o)``.

    The pre-activations ``x W_ih^T + b_ih + h W_hh^T + b_hh`` have 4*hidden_size
    columns: one block of hidden_size columns per gate, in the order i, f, g, o.
    i = sigmoid(block 0)   input gate
    f = sigmoid(block 1)   forget gate
    g = tanh(block 2)      candidate cell update
    o = sigmoid(block 3)   output gate

    x: (batch, input_size), h: (batch, hidden_size)
    weight_ih: (4*hidden_size, input_size), weight_hh: (4*hidden_size, hidden_size)
    bias_ih, bias_hh: (4*hidden_size,) or None
    returns: a tuple (i, f, g, o), each (batch, hidden_size)
    """
    ### BEGIN SOLUTION
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError(f"x and h must be 2-D (batch, features), got {tuple(x.shape)} and {tuple(h.shape)}")
    if x.shape[0] != h.shape[0]:
        raise ValueError(f"x and h must have the same batch size, got {x.shape[0]} and {h.shape[0]}")
    hidden_size = h.shape[1]
    if tuple(weight_ih.shape) != (4 * hidden_size, x.shape[1]):
        raise ValueError(f"weight_ih must be {(4 * hidden_size, x.shape[1])}, got {tuple(weight_ih.shape)}")
    if tuple(weight_hh.shape) != (4 * hidden_size, hidden_size):
        raise ValueError(f"weight_hh must be {(4 * hidden_size, hidden_size)}, got {tuple(weight_hh.shape)}")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih
    if bias_hh is not None:
        gates = gates + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    ### END SOLUTION


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM step: ``c_new = f*c + i*g``, ``h_new = o*tanh(c_new)``.

    x: (batch, input_size), state: a pair (h, c), each (batch, hidden_size)
    weight_ih, weight_hh, bias_ih, bias_hh: as for ``lstm_gates``
    returns: (h_new, c_new), each (batch, hidden_size)
    """
    ### BEGIN SOLUTION
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        raise ValueError("state must be a pair (h, c)")
    h, c = state
    if c.shape != h.shape:
        raise ValueError(f"h and c must have the same shape, got {tuple(h.shape)} and {tuple(c.shape)}")
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * g
    h_new = o * torch.tanh(c_new)
    return h_new, c_new
    ### END SOLUTION


class LSTMCell(nn.Module):
    """An LSTM cell, state-dict compatible with ``nn.LSTMCell``.

    Parameters: weight_ih: (4*hidden_size, input_size), weight_hh: (4*hidden_size, hidden_size),
    bias_ih, bias_hh: (4*hidden_size,) (absent when bias=False); gate order (i, f, g, o).
    forward(x: (batch, input_size), state: (h, c) or None) -> (h, c), each (batch, hidden_size);
    a state of None means zeros.
    """

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        ### BEGIN SOLUTION
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        ### END SOLUTION

    def forward(self, x, state=None):
        ### BEGIN SOLUTION
        if x.dim() != 2:
            raise ValueError(f"x must be 2-D (batch, input_size), got {tuple(x.shape)}")
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        return lstm_cell(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        ### END SOLUTION


class LSTM(nn.Module):
    """A one-layer, one-direction LSTM, state-dict compatible with ``nn.LSTM(input_size, hidden_size)``.

    Parameters: weight_ih_l0: (4*hidden_size, input_size), weight_hh_l0: (4*hidden_size, hidden_size),
    bias_ih_l0, bias_hh_l0: (4*hidden_size,); gate order (i, f, g, o).

    forward(x, state=None) -> (output, (h_n, c_n))
    x: (seq_len, batch, input_size), or (batch, seq_len, input_size) if batch_first
    state: a pair (h0, c0), each (1, batch, hidden_size), or None (zeros)
    output: (seq_len, batch, hidden_size), or (batch, seq_len, hidden_size) if batch_first
    h_n, c_n: (1, batch, hidden_size), the states after the last step, whatever batch_first is
    """

    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        ### BEGIN SOLUTION
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        ### END SOLUTION

    def forward(self, x, state=None):
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
        state_shape = (1, batch, self.hidden_size)
        if state is None:
            h = c = x.new_zeros(batch, self.hidden_size)
        else:
            if not isinstance(state, (tuple, list)) or len(state) != 2:
                raise ValueError("state must be a pair (h0, c0)")
            h0, c0 = state
            if tuple(h0.shape) != state_shape or tuple(c0.shape) != state_shape:
                raise ValueError(f"h0 and c0 must be {state_shape}, got {tuple(h0.shape)} and {tuple(c0.shape)}")
            h, c = h0[0], c0[0]
        outputs = []
        for t in range(seq_len):
            h, c = lstm_cell(x[t], (h, c), self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            outputs.append(h)
        output = torch.stack(outputs)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, (h.unsqueeze(0), c.unsqueeze(0))
        ### END SOLUTION
