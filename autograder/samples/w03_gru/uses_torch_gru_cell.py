"""Forbidden: gru_cell calls torch.gru_cell (GRUCell and GRU, which call gru_cell, use it too)."""
import torch

EXPECT = {"gru_cell": "torch.gru_cell", "GRUCell": "torch.gru_cell", "GRU": "torch.gru_cell"}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
