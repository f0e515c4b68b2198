"""Wrong: h @ weight_hh instead of h @ weight_hh.T in rnn_cell (RNNCell keeps its points)."""
import torch

EXPECT = {"rnn_cell": "weights are stored (out_features, in_features)"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    pre = x @ weight_ih.T + h @ weight_hh
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.tanh(pre)
