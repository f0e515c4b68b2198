"""Wrong: pad_sequences builds the tokens with torch.zeros, so they are float32 instead of a LongTensor."""
import torch

EXPECT = {"pad_sequences": "token ids are a LongTensor"}


def pad_sequences(seqs, pad_idx=0):
    T = max(len(s) for s in seqs)
    tokens = torch.zeros(len(seqs), T) + pad_idx
    for b, s in enumerate(seqs):
        tokens[b, :len(s)] = torch.tensor(s)
    return tokens, torch.tensor([len(s) for s in seqs])
