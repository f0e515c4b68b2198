"""Wrong: perplexity leaves out targets equal to -100, whatever ignore_index says."""
EXPECT = {"perplexity": "not a hard-coded -100"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != -100
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return torch.exp(nll.mean())
