"""Wrong: temperature_softmax multiplies the logits by T (so sample_next, which uses it, is wrong too)."""
EXPECT = {"temperature_softmax": "do not multiply", "sample_next": "do not multiply"}
import torch


def temperature_softmax(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits * temperature, dim=-1)
