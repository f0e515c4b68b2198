"""Wrong: pad_sequences always pads with 0, whatever pad_idx is."""
import torch

EXPECT = {"pad_sequences": "fill the padding with pad_idx"}


def pad_sequences(seqs, pad_idx=0):
    T = max(len(s) for s in seqs)
    tokens = torch.zeros(len(seqs), T, dtype=torch.long)
    for b, s in enumerate(seqs):
        tokens[b, :len(s)] = torch.tensor(s)
    return tokens, torch.tensor([len(s) for s in seqs])
