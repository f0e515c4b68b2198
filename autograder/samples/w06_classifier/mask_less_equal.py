"""Wrong: lengths_to_mask uses <= (one True too many), which also lets a padding step into TextClassifier's mean."""
import torch

EXPECT = {"lengths_to_mask": "use <, not <=", "TextClassifier": "padding"}


def lengths_to_mask(lengths, max_len=None):
    T = int(lengths.max()) if max_len is None else max_len
    return torch.arange(T).unsqueeze(0) <= lengths.unsqueeze(1)
