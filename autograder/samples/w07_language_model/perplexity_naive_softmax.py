"""Wrong: perplexity computes softmax as exp / sum exp, which overflows for large logits."""
EXPECT = {"perplexity": "logsumexp"}
import torch


def perplexity(logits, targets, ignore_index=-100):
    logits = logits.reshape(-1, logits.shape[-1])
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    logits, targets = logits[keep], targets[keep]
    probs = torch.exp(logits) / torch.exp(logits).sum(-1, keepdim=True)
    nll = -torch.log(probs.gather(1, targets[:, None]).squeeze(1))
    return torch.exp(nll.mean())
