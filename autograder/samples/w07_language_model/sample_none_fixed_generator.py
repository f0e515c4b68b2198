"""Wrong: sample_next without a generator makes one seeded with 0, so every call draws the same ids."""
EXPECT = {"sample_next": "without a generator"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator).squeeze(1)
