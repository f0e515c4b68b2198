"""Wrong: pad_sequences pads on the left (padding before the tokens)."""
import torch

EXPECT = {"pad_sequences": "pad on the RIGHT"}


def pad_sequences(seqs, pad_idx=0):
    T = max(len(s) for s in seqs)
    tokens = torch.tensor([[pad_idx] * (T - len(s)) + list(s) for s in seqs], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    return tokens, lengths
