"""Wrong: rnn_forward does not raise ValueError when xs is not 3-D (the task asks for it)."""
import torch

EXPECT = {"rnn_forward": "check xs.dim() first and raise ValueError"}


def rnn_forward(cell, xs, h0=None):
    h, outputs = h0, []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), h
