"""Wrong: sample_next takes the argmax at every temperature (T = 1 included): greedy, never a draw."""
EXPECT = {"sample_next": "do not follow softmax(logits / T)", "generate": "gave the same text for four different seeds"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    return logits.argmax(-1)
