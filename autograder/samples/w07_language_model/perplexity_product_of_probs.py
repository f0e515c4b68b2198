"""Wrong: perplexity as the product of the target probabilities to the power -1/N, which underflows for long texts."""
EXPECT = {"perplexity": "product of many probabilities"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    p = torch.softmax(logits, -1).gather(1, targets[:, None]).squeeze(1)
    return p.prod() ** (-1.0 / p.numel())
