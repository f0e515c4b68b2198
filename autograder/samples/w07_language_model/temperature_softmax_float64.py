"""Wrong: temperature_softmax converts the logits to float64, so float32 logits give float64 probabilities."""
EXPECT = {"temperature_softmax": "wrong dtype"}
import torch


def temperature_softmax(logits, temperature):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    return torch.softmax(logits.double() / temperature, dim=-1)
