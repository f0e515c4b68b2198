"""Wrong: temperature_softmax rejects T < 0 only: T = 0 divides by zero (nan) instead of raising ValueError."""
EXPECT = {"temperature_softmax": "should raise ValueError"}
import torch


def temperature_softmax(logits, temperature):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    return torch.softmax(logits / temperature, dim=-1)
