"""Forbidden: clip_grad_norm calls torch.nn.utils.clip_grad_norm_."""
import torch

EXPECT = {"clip_grad_norm": "torch.nn.utils.clip_grad_norm_"}


def clip_grad_norm(parameters, max_norm):
    return torch.nn.utils.clip_grad_norm_(parameters, max_norm)
