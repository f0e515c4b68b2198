"""Wrong: rnn_forward stacks the states along dim 1, returning (batch, seq_len, hidden) outputs."""
import torch

EXPECT = {"rnn_forward": "stacked along dim 0 (time first)"}


def rnn_forward(cell, xs, h0=None):
    if xs.dim() != 3:
        raise ValueError("xs must be 3-D")
    h, outputs = h0, []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h
