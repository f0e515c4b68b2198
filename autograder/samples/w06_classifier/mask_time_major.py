"""Wrong: lengths_to_mask returns a (T, batch) mask, time first."""
import torch

EXPECT = {"lengths_to_mask": "the mask is (batch, T)"}


def lengths_to_mask(lengths, max_len=None):
    T = int(lengths.max()) if max_len is None else max_len
    return torch.arange(T).unsqueeze(1) < lengths.unsqueeze(0)
