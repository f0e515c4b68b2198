"""Correct, written differently: einsum and torch.split in float64 internally, cast back to the input's dtype."""
import torch

EXPECT = {}


def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    d = torch.float64
    pre = torch.einsum("bi,gi->bg", x.to(d), weight_ih.to(d)) + torch.einsum("bj,gj->bg", h.to(d), weight_hh.to(d))
    for bias in (bias_ih, bias_hh):
        if bias is not None:
            pre = pre + bias.to(d)
    i, f, g, o = torch.split(pre, h.shape[1], dim=1)
    return tuple(t.to(x.dtype) for t in (i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()))


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = torch.addcmul(f * c, i, g)
    h_new = o * c_new.tanh()
    return h_new, c_new
