"""Wrong: sample_next at temperature 0 takes logits.argmax() without dim (right for a single row only)."""
EXPECT = {"sample_next": "without dim"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax()
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator).squeeze(1)
