"""Wrong: perplexity takes log(softmax(logits)): a stable softmax, but the log of a probability that underflows to 0."""
EXPECT = {"perplexity": "never take log(softmax"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    p = torch.softmax(logits, -1).gather(1, targets[:, None]).squeeze(1)
    return torch.exp(-torch.log(p).mean())
