"""Wrong: temperature_softmax multiplies the logits by T; this sample_next computes its own softmax(logits / T)."""
EXPECT = {"temperature_softmax": "do not multiply"}
import torch


def temperature_softmax(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits * temperature, dim=-1)


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / temperature, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)
