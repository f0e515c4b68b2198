"""Week 1: a vanilla RNN and backpropagation through time.

Each top-level definition below is one graded item of ``assignments/w01_rnn``;
its source is copied verbatim into the notebook's answer cell.
"""
import math

import torch
import torch.nn as nn


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """One step of an Elman RNN: ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    x: (batch, input_size), h: (batch, hidden_size)
    weight_ih: (hidden_size, input_size), weight_hh: (hidden_size, hidden_size)
    bias_ih, bias_hh: (hidden_size,) or None
    returns: (batch, hidden_size)
    """
    ### BEGIN SOLUTION
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError(f"x and h must be 2-D (batch, features), got {tuple(x.shape)} and {tuple(h.shape)}")
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.tanh(pre)
    ### END SOLUTION


class RNNCell(nn.Module):
    """An Elman RNN cell, state-dict compatible with ``nn.RNNCell``.

    forward(x: (batch, input_size), h: (batch, hidden_size) or None) -> (batch, hidden_size)
    """

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        ### BEGIN SOLUTION
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(hidden_size))
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
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        ### END SOLUTION


def rnn_forward(cell, xs, h0=None):
    """Unroll ``cell`` over time.

    cell: any callable ``cell(x, h) -> h_new`` that treats ``h=None`` as zeros
    xs: (seq_len, batch, input_size), h0: (batch, hidden_size) or None
    returns: (outputs: (seq_len, batch, hidden_size), h_n: (batch, hidden_size))
    """
    ### BEGIN SOLUTION
    if xs.dim() != 3:
        raise ValueError(f"xs must be 3-D (seq_len, batch, input_size), got {tuple(xs.shape)}")
    h = h0
    outputs = []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), h
    ### END SOLUTION


def hidden_grad_norms(cell, xs):
    """How strongly the last hidden state depends on each earlier one.

    Unrolls ``cell`` from zeros over xs: (seq_len, batch, input_size) and, for
    ``L = h_T.sum()``, returns a (seq_len,) tensor whose entry t is ``||dL/dh_t||``.
    """
    ### BEGIN SOLUTION
    h = None
    states = []
    for x in xs:
        h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
    ### END SOLUTION


def clip_grad_norm(parameters, max_norm):
    """Clip gradients by their global L2 norm, like ``torch.nn.utils.clip_grad_norm_``.

    parameters: a tensor or an iterable of tensors; those whose ``.grad`` is None are skipped.
    returns: the total norm before clipping (a 0-dim tensor).
    """
    ### BEGIN SOLUTION
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for g in grads:
            g.mul_(scale)
    return total
    ### END SOLUTION
