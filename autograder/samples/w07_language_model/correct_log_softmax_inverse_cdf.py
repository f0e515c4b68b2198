"""Correct: perplexity via log_softmax and a mask; sample_next by inverting the CDF with torch.rand."""
EXPECT = {}
import torch


def perplexity(logits, targets, ignore_index=-100):
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    logp = torch.log_softmax(logits, dim=-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return torch.exp(-(logp * keep).sum() / keep.sum())


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("negative temperature")
    if temperature == 0:
        return logits.argmax(dim=-1)
    cdf = temperature_softmax(logits, temperature).cumsum(-1)
    u = torch.rand(logits.shape[0], 1, generator=generator, dtype=cdf.dtype) * cdf[:, -1:]
    return (cdf < u).sum(-1).clamp(max=logits.shape[-1] - 1).long()
