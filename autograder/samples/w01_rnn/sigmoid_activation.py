"""Wrong: sigmoid instead of tanh in rnn_cell (RNNCell, checked with the reference rnn_cell, keeps its points)."""
import torch

EXPECT = {"rnn_cell": "use tanh, not sigmoid"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.sigmoid(pre)
