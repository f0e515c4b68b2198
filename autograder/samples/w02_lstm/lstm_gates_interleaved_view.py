"""Wrong: lstm_gates splits the pre-activations with .view(batch, hidden_size, 4), interleaving the gates."""
import torch

EXPECT = {"lstm_gates": "not every 4th column"}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih + bias_hh
    i, f, g, o = gates.view(x.shape[0], h.shape[1], 4).unbind(dim=2)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
