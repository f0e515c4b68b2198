"""Wrong: lengths_to_mask uses <= (one True too many); TextClassifier, checked with the reference mask, keeps its points."""
import torch

EXPECT = {"lengths_to_mask": "use <, not <="}


def lengths_to_mask(lengths, max_len=None):
    T = int(lengths.max()) if max_len is None else max_len
    return torch.arange(T).unsqueeze(0) <= lengths.unsqueeze(1)
