"""Wrong: perplexity computes the value with .item() and math.exp: right numbers, but no gradient."""
EXPECT = {"perplexity": "No gradient reached"}
import math

import torch


def perplexity(logits, targets, ignore_index=-100):
    flat = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    flat, targets = flat[keep], targets[keep]
    nll = torch.logsumexp(flat, -1) - flat.gather(1, targets[:, None]).squeeze(1)
    return torch.tensor(math.exp(nll.mean().item()), dtype=logits.dtype)
