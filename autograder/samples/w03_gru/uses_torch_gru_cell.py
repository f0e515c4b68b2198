"""Forbidden: gru_cell calls torch.gru_cell (GRUCell and GRU, checked with the reference gru_cell, keep their points)."""
import torch

EXPECT = {"gru_cell": "torch.gru_cell"}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
