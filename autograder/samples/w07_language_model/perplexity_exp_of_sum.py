"""Wrong: perplexity is exp of the SUMMED negative log-likelihood instead of the mean."""
EXPECT = {"perplexity": "you took exp of the sum"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return torch.exp(nll.sum())
