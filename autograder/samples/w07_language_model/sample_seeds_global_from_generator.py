"""Wrong: sample_next reseeds the global generator with the generator's seed (torch.manual_seed) and draws from it.

Same seed, same draws, so generate stays reproducible: only the global random state gives it away.
"""
EXPECT = {"sample_next": "changed the global random state"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    if generator is not None:
        torch.manual_seed(generator.initial_seed())
    return torch.multinomial(temperature_softmax(logits, temperature), 1).squeeze(1)
