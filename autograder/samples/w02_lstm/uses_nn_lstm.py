"""Forbidden: LSTM subclasses nn.LSTM instead of building the layer."""
import torch.nn as nn

EXPECT = {"LSTM": "torch.nn.LSTM"}


class LSTM(nn.LSTM):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__(input_size, hidden_size, batch_first=batch_first)
