"""Forbidden: RNNCell wraps nn.RNNCell instead of building the cell."""
import torch.nn as nn

EXPECT = {"RNNCell": "torch.nn.RNNCell"}


class RNNCell(nn.RNNCell):
    def forward(self, x, h=None):
        return super().forward(x, h)
