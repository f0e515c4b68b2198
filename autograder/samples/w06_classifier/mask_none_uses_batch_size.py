"""Wrong: lengths_to_mask takes T = len(lengths) (the batch size) when max_len is None, instead of max(lengths).

TextClassifier always passes max_len, so only lengths_to_mask is wrong.
"""
import torch

EXPECT = {"lengths_to_mask": "T is max(lengths) when max_len is None"}


def lengths_to_mask(lengths, max_len=None):
    T = len(lengths) if max_len is None else max_len
    return torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)
