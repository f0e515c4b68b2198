"""Forbidden: lstm_cell calls torch.lstm_cell (LSTMCell and LSTM, which call lstm_cell, use it too)."""
import torch

EXPECT = {"lstm_cell": "torch.lstm_cell", "LSTMCell": "torch.lstm_cell", "LSTM": "torch.lstm_cell"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.lstm_cell(x, tuple(state), weight_ih, weight_hh, bias_ih, bias_hh)
