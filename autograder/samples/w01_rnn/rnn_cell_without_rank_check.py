"""Wrong: rnn_cell does not raise ValueError for inputs that are not 2-D (the task asks for it)."""
import torch

EXPECT = {"rnn_cell": "check x.dim() and h.dim() first and raise ValueError"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.tanh(pre)
