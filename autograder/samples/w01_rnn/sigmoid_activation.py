"""Wrong: sigmoid instead of tanh in rnn_cell (breaks RNNCell too, which calls it)."""
import torch

EXPECT = {"rnn_cell": "use tanh, not sigmoid", "RNNCell": "RNNCell computes what your rnn_cell computes, and rnn_cell is wrong"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.sigmoid(pre)
