"""Wrong: gru_cell raises no ValueError for x or h that is not 2-D or for unequal batch sizes (the task asks for it)."""
import torch

EXPECT = {"gru_cell": "should raise ValueError"}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gi, gh = x @ weight_ih.T, h @ weight_hh.T
    if bias_ih is not None:
        gi = gi + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    (i_r, i_z, i_n), (h_r, h_z, h_n) = gi.chunk(3, dim=-1), gh.chunk(3, dim=-1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
