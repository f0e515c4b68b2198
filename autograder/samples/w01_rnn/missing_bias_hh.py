"""Wrong: bias_hh is never added."""
import torch

EXPECT = {"rnn_cell": "both biases are added", "RNNCell": "[FAIL] RNNCell(I, H, bias) is state-dict compatible"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T)
