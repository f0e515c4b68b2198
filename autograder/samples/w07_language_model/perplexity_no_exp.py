"""Wrong: perplexity returns the mean negative log-likelihood and forgets the exp."""
EXPECT = {"perplexity": "apply torch.exp"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return nll.mean()
