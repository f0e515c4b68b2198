"""Forbidden: perplexity calls F.cross_entropy."""
EXPECT = {"perplexity": "not allowed here"}
import torch
import torch.nn.functional as F


def perplexity(logits, targets, ignore_index=-100):
    return torch.exp(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=ignore_index))
