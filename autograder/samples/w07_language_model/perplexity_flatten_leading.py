"""Wrong: perplexity flattens with logits.flatten(0, -2), which fails for (V,) logits with a 0-dim target."""
EXPECT = {"perplexity": "any number of leading dimensions"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.flatten(0, -2)
    targets = targets.flatten()
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return torch.exp(nll.mean())
