"""Wrong: sample_next ignores the generator and draws from the global random state."""
EXPECT = {"sample_next": "generator", "generate": "pass the generator to sample_next"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(-1)
    return torch.multinomial(temperature_softmax(logits, temperature), 1).squeeze(1)
