"""Wrong: sample_next uses the generator, but also draws tie-breaking noise from the global state (torch.rand_like).

The noise is too small to change a draw: only the global random state gives it away.
"""
EXPECT = {"sample_next": "changed the global random state"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits + 1e-9 * torch.rand_like(logits)  # break exact ties at random
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=generator).squeeze(1)
