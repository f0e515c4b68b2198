"""Wrong: perplexity measures the NLL in bits (log2) but exponentiates with e (exp) at the end."""
EXPECT = {"perplexity": "different bases"}
import math

import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll_bits = (torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)) / math.log(2)
    return torch.exp(nll_bits.mean())
