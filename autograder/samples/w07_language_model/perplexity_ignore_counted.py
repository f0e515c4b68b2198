"""Wrong: perplexity zeroes the NLL of ignored targets but still divides by every position."""
EXPECT = {"perplexity": "divide by the number of kept targets"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = torch.logsumexp(logits, -1) - logits.gather(1, safe[:, None]).squeeze(1)
    return torch.exp((nll * keep).sum() / targets.numel())
