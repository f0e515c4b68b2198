"""Correct, written differently: explicit loops over the batch and hidden units."""
import torch

EXPECT = {}


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if len(x.shape) != 2 or len(h.shape) != 2:
        raise ValueError("x and h must be 2-D")
    rows = []
    for b in range(x.shape[0]):
        units = []
        for j in range(weight_ih.shape[0]):
            s = (x[b] * weight_ih[j]).sum() + (h[b] * weight_hh[j]).sum()
            if bias_ih is not None:
                s = s + bias_ih[j] + bias_hh[j]
            units.append(torch.tanh(s))
        rows.append(torch.stack(units))
    return torch.stack(rows)


def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    total_sq = 0.0
    for g in grads:
        total_sq = total_sq + (g.double() ** 2).sum()
    total = torch.sqrt(torch.as_tensor(total_sq))
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total
