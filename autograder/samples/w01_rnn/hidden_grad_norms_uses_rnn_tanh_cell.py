"""Forbidden: hidden_grad_norms steps an RNN cell with torch.rnn_tanh_cell and its weights."""
import torch

EXPECT = {"hidden_grad_norms": "torch.rnn_tanh_cell"}


def hidden_grad_norms(cell, xs):
    h, states = None, []
    for x in xs:
        if hasattr(cell, "nonlinearity"):  # an nn.RNNCell: step it with its own weights
            h = x.new_zeros(x.shape[0], cell.hidden_size) if h is None else h
            h = torch.rnn_tanh_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        else:
            h = cell(x, h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
