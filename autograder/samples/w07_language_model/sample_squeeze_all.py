"""Wrong: sample_next squeezes with a plain .squeeze(), which drops the batch dimension too when B = 1."""
EXPECT = {"sample_next": "plain .squeeze()"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator).squeeze()
