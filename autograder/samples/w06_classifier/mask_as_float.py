"""Wrong: lengths_to_mask returns a float mask (0.0/1.0) instead of a BoolTensor."""
import torch

EXPECT = {"lengths_to_mask": "wrong dtype"}


def lengths_to_mask(lengths, max_len=None):
    T = int(lengths.max()) if max_len is None else max_len
    return (torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)).float()
