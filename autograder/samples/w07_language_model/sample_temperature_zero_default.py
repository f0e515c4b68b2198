"""Wrong: sample_next treats temperature 0 as "use the default" (temperature or 1.0) and samples at T = 1."""
EXPECT = {"sample_next": "temperature 0 is greedy", "generate": "differs from greedy decoding"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    temperature = temperature or 1.0
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator).squeeze(1)
