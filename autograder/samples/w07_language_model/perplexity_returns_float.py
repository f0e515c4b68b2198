"""Wrong: perplexity returns a Python float (math.exp of .item()) instead of a 0-dim tensor."""
EXPECT = {"perplexity": "should be a torch.Tensor"}
import math

import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return math.exp(nll.mean().item())
