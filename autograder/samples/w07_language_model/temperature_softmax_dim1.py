"""Wrong: temperature_softmax normalizes over dim=1, right for (B, V) logits only (sample_next still works)."""
EXPECT = {"temperature_softmax": "last dimension"}
import torch


def temperature_softmax(logits, temperature):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    return torch.softmax(logits / temperature, dim=1)
