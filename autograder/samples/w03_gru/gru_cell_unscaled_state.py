"""Wrong: gru_cell adds the previous state unscaled: h' = (1-z)*n + h."""
import torch

EXPECT = {"gru_cell": 'the previous state h is scaled by z'}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gi = x @ weight_ih.T
    gh = h @ weight_hh.T
    if bias_ih is not None:
        gi = gi + bias_ih
        gh = gh + bias_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + h
