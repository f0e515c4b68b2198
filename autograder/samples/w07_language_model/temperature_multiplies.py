"""Wrong: temperature_softmax multiplies the logits by T (sample_next, checked with the reference, keeps its points)."""
EXPECT = {"temperature_softmax": "do not multiply"}
import torch


def temperature_softmax(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits * temperature, dim=-1)
