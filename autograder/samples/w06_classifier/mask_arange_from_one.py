"""Wrong: lengths_to_mask counts steps from 1 (torch.arange(1, T + 1) < lengths): one True step too few."""
import torch

EXPECT = {"lengths_to_mask": "steps count from 0"}


def lengths_to_mask(lengths, max_len=None):
    T = int(lengths.max()) if max_len is None else max_len
    return torch.arange(1, T + 1).unsqueeze(0) < lengths.unsqueeze(1)
