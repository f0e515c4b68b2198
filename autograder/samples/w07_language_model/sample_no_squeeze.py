"""Wrong: sample_next returns torch.multinomial's (B, 1) draws without squeezing them to (B,)."""
EXPECT = {"sample_next": "squeeze(1)"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator)
