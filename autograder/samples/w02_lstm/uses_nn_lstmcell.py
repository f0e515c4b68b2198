"""Forbidden: LSTMCell subclasses nn.LSTMCell instead of building the cell."""
import torch.nn as nn

EXPECT = {"LSTMCell": "torch.nn.LSTMCell"}


class LSTMCell(nn.LSTMCell):
    def forward(self, x, state=None):
        return super().forward(x, state)
