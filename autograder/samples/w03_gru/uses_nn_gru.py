"""Forbidden: GRU subclasses nn.GRU instead of building the layer."""
import torch.nn as nn

EXPECT = {"GRU": "torch.nn.GRU"}


class GRU(nn.GRU):
    pass
