"""Wrong: temperature_softmax divides by T without checking it (T = 0 gives nan, no ValueError)."""
EXPECT = {"temperature_softmax": "should raise ValueError"}
import torch


def temperature_softmax(logits, temperature):
    return torch.softmax(logits / temperature, dim=-1)
