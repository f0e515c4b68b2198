"""Wrong: perplexity shifts every row by the maximum of the whole tensor, not by the row's own maximum."""
EXPECT = {"perplexity": "each row's OWN maximum"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    m = logits.max()
    log_norm = m + torch.log(torch.exp(logits - m).sum(-1))
    nll = log_norm - logits.gather(1, targets[:, None]).squeeze(1)
    return torch.exp(nll.mean())
