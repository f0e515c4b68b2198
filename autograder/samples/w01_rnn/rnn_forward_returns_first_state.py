"""Wrong: rnn_forward returns the state after the first step as h_n."""
import torch

EXPECT = {"rnn_forward": "h_n is the state after the LAST step"}


def rnn_forward(cell, xs, h0=None):
    if xs.dim() != 3:
        raise ValueError("xs must be 3-D")
    h, outputs = h0, []
    for x in xs:
        h = cell(x, h)
        outputs.append(h)
    return torch.stack(outputs), outputs[0]
