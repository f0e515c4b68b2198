"""Wrong: sample_next samples from softmax(logits), whatever the temperature (greedy only at T = 0)."""
EXPECT = {"sample_next": "not softmax(logits)"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(-1)
    return torch.multinomial(torch.softmax(logits, -1), 1, generator=generator).squeeze(1)
