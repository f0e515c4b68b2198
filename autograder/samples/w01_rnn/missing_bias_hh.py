"""Wrong: rnn_cell never adds bias_hh (RNNCell, checked with the reference rnn_cell, keeps its points)."""
import torch

EXPECT = {"rnn_cell": "both biases are added"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    return torch.tanh(pre)
