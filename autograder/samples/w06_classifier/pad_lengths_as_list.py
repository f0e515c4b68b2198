"""Wrong: pad_sequences returns the lengths as a Python list instead of a LongTensor."""
import torch

EXPECT = {"pad_sequences": "should be a torch.Tensor"}


def pad_sequences(seqs, pad_idx=0):
    T = max(len(s) for s in seqs)
    tokens = torch.full((len(seqs), T), pad_idx, dtype=torch.long)
    for b, s in enumerate(seqs):
        tokens[b, :len(s)] = torch.tensor(s)
    return tokens, [len(s) for s in seqs]
