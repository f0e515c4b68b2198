"""Wrong: h @ weight_hh instead of h @ weight_hh.T (breaks RNNCell too, which calls rnn_cell)."""
import torch

EXPECT = {"rnn_cell": "weights are stored (out_features, in_features)",
          "RNNCell": "RNNCell computes what your rnn_cell computes, and rnn_cell is wrong"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.tanh(pre)
