"""Wrong: count_parameters returns a 0-dim tensor instead of a Python int."""
import torch

EXPECT = {"count_parameters": "return a Python int"}


def count_parameters(module):
    return torch.tensor([p.numel() for p in module.parameters() if p.requires_grad], dtype=torch.long).sum()
