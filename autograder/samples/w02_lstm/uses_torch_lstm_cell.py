"""Forbidden: lstm_cell calls torch.lstm_cell (LSTMCell and LSTM, checked with the reference lstm_cell, keep their points)."""
import torch

EXPECT = {"lstm_cell": "torch.lstm_cell"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.lstm_cell(x, tuple(state), weight_ih, weight_hh, bias_ih, bias_hh)
