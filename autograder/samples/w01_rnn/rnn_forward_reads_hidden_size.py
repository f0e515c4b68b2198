"""Wrong: rnn_forward builds the zero state from cell.hidden_size, so a cell without that attribute fails."""
import torch

EXPECT = {"rnn_forward": "the cell is any callable cell(x, h) -> h_new"}


def rnn_forward(cell, xs, h0=None):
    if xs.dim() != 3:
        raise ValueError("xs must be 3-D")
    h = h0 if h0 is not None else xs.new_zeros(xs.shape[1], cell.hidden_size)
    outputs = []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), h
