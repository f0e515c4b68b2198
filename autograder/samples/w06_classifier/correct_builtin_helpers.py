"""Correct: pad_sequence from torch.nn.utils.rnn, a mask built row by row and an einsum-weighted mean."""
import torch
from torch.nn.utils.rnn import pad_sequence

EXPECT = {}


def pad_sequences(seqs, pad_idx=0):
    rows = [torch.tensor(s, dtype=torch.long) for s in seqs]
    return pad_sequence(rows, batch_first=True, padding_value=pad_idx), torch.tensor([len(s) for s in seqs])


def lengths_to_mask(lengths, max_len=None):
    T = max_len if max_len is not None else int(lengths.max())
    mask = torch.zeros(len(lengths), T, dtype=torch.bool)
    for b, n in enumerate(lengths.tolist()):
        mask[b, :n] = True
    return mask


def masked_mean(x, mask):
    weights = mask.to(x.dtype)
    weights = weights / weights.sum(dim=1, keepdim=True)
    return torch.einsum("bt,btd->bd", weights, torch.where(mask.unsqueeze(-1), x, torch.zeros_like(x)))
