"""Wrong: sample_next ignores the generator and reseeds the global generator with a constant (torch.manual_seed(0))."""
EXPECT = {"sample_next": "changed the global random state", "generate": "gave the same text for four different seeds"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    torch.manual_seed(0)
    return torch.multinomial(temperature_softmax(logits, temperature), 1).squeeze(1)
