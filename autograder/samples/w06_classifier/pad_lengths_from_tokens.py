"""Wrong: pad_sequences counts each row's tokens that differ from pad_idx as its length (wrong when pad_idx occurs)."""
import torch

EXPECT = {"pad_sequences": "do not count the tokens that differ from pad_idx"}


def pad_sequences(seqs, pad_idx=0):
    T = max(len(s) for s in seqs)
    tokens = torch.full((len(seqs), T), pad_idx, dtype=torch.long)
    for b, s in enumerate(seqs):
        tokens[b, :len(s)] = torch.tensor(s)
    return tokens, (tokens != pad_idx).sum(dim=1)
