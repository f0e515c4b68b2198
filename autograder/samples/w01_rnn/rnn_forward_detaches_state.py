"""Wrong: rnn_forward detaches the state between steps (truncated backpropagation), so gradients stop."""
import torch

EXPECT = {"rnn_forward": "do not detach the state between steps"}


def rnn_forward(cell, xs, h0=None):
    if xs.dim() != 3:
        raise ValueError("xs must be 3-D")
    h, outputs = h0, []
    for x in xs:
        h = cell(x, None if h is None else h.detach())
        outputs.append(h)
    return torch.stack(outputs), h
