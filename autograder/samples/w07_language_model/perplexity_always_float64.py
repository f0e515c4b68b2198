"""Wrong: perplexity computes in float64 "to be safe" and returns float64 for float32 logits."""
EXPECT = {"perplexity": "return the dtype of the logits"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.double().reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    nll = torch.logsumexp(logits, -1) - logits.gather(1, targets[:, None]).squeeze(1)
    return torch.exp(nll.mean())
