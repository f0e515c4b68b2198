"""Wrong: h @ weight_hh instead of h @ weight_hh.T (square, so no shape error)."""
import torch

EXPECT = {"rnn_cell": "weights are stored (out_features, in_features)", "RNNCell": "[FAIL] RNNCell(I, H, bias) is state-dict compatible"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.tanh(x @ weight_ih.T + bias_ih + h @ weight_hh + bias_hh)
