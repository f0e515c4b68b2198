"""Wrong: rnn_forward ignores h0 and always starts from zeros."""
import torch

EXPECT = {"rnn_forward": "start from h0 when it is given"}


def rnn_forward(cell, xs, h0=None):
    h = None
    outputs = []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), h
