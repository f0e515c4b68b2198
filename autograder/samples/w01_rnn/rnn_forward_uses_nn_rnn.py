"""Forbidden: rnn_forward hands an RNN cell's weights to nn.RNN to unroll it (other cells it unrolls itself)."""
import torch
import torch.nn as nn

EXPECT = {"rnn_forward": "torch.nn.RNN"}


def rnn_forward(cell, xs, h0=None):
    if xs.dim() != 3:
        raise ValueError("xs must be 3-D")
    if hasattr(cell, "nonlinearity"):  # an nn.RNNCell: let nn.RNN do the loop
        rnn = nn.RNN(cell.input_size, cell.hidden_size, nonlinearity=cell.nonlinearity, bias=cell.bias).to(xs.dtype)
        rnn.load_state_dict({f"{name}_l0": value for name, value in cell.state_dict().items()})
        outputs, h_n = rnn(xs, None if h0 is None else h0[None])
        return outputs, h_n[0]
    h, outputs = h0, []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), h
