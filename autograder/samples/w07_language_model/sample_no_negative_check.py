"""Wrong: sample_next computes softmax(logits / T) itself and never rejects a negative temperature."""
EXPECT = {"sample_next": "should raise ValueError"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / temperature, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)
