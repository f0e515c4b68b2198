"""Wrong: gru_cell splits the pre-activations with .view(batch, hidden_size, 3), interleaving the gates."""
import torch

EXPECT = {"gru_cell": 'not every 3rd column'}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    gi = x @ weight_ih.T
    gh = h @ weight_hh.T
    if bias_ih is not None:
        gi = gi + bias_ih
        gh = gh + bias_hh
    i_r, i_z, i_n = gi.view(x.shape[0], h.shape[1], 3).unbind(2)
    h_r, h_z, h_n = gh.view(x.shape[0], h.shape[1], 3).unbind(2)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
