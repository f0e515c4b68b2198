"""Wrong: sigmoid instead of tanh in rnn_cell (breaks RNNCell too, which calls it)."""
import torch

EXPECT = {"rnn_cell": "use tanh, not sigmoid", "RNNCell": "[FAIL] RNNCell(I, H, bias) is state-dict compatible"}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.sigmoid(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)
