"""Wrong: lengths_to_mask ignores max_len (always max(lengths) columns); TextClassifier keeps its points."""
import torch

EXPECT = {"lengths_to_mask": "T is max_len when given"}


def lengths_to_mask(lengths, max_len=None):
    return torch.arange(int(lengths.max())).unsqueeze(0) < lengths.unsqueeze(1)
