"""Wrong: perplexity clamps the probabilities at 1e-12 before the log (finite, but wrong for unlikely targets)."""
EXPECT = {"perplexity": "do not clamp the probabilities"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    p = torch.softmax(logits, -1).gather(1, targets[:, None]).squeeze(1)
    return torch.exp(-torch.log(p.clamp(min=1e-12)).mean())
