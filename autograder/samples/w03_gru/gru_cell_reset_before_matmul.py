"""Wrong: gru_cell resets the state before the recurrent product, n = tanh(W_in x + b_in + W_hn (r*h) + b_hn)."""
import torch

EXPECT = {"gru_cell": "you applied it before the product, W_hn (r*h)"}


def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h.shape[1]
    w_ir, w_iz, w_in = weight_ih.chunk(3, dim=0)
    w_hr, w_hz, w_hn = weight_hh.chunk(3, dim=0)
    if bias_ih is None:
        bias_ih = bias_hh = torch.zeros(3 * H, dtype=x.dtype)
    b_ir, b_iz, b_in = bias_ih.chunk(3)
    b_hr, b_hz, b_hn = bias_hh.chunk(3)
    r = torch.sigmoid(x @ w_ir.T + b_ir + h @ w_hr.T + b_hr)
    z = torch.sigmoid(x @ w_iz.T + b_iz + h @ w_hz.T + b_hz)
    n = torch.tanh(x @ w_in.T + b_in + (r * h) @ w_hn.T + b_hn)
    return (1 - z) * n + z * h
