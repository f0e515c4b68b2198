"""Wrong: pad_sequences pads (and cuts) every sequence to the length of the first one, not of the longest."""
import torch

EXPECT = {"pad_sequences": "T is the length of the LONGEST sequence"}


def pad_sequences(seqs, pad_idx=0):
    T = len(seqs[0])
    tokens = torch.tensor([(list(s) + [pad_idx] * T)[:T] for s in seqs], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    return tokens, lengths
