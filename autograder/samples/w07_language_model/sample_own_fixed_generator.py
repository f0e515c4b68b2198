"""Wrong: sample_next ignores the generator argument and draws from a generator of its own seeded with 0.

Its generate samples with the generator itself, so only sample_next is wrong.
"""
EXPECT = {"sample_next": "other seeds"}
import torch


def sample_next(logits, temperature=1.0, generator=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return logits.argmax(dim=-1)
    mine = torch.Generator().manual_seed(0)
    return torch.multinomial(temperature_softmax(logits, temperature), 1, generator=mine).squeeze(1)


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits, state = model(torch.tensor([[vocab.stoi[c] for c in prefix]]))
        out = []
        for _ in range(length):
            last = logits[:, -1]
            if temperature == 0:
                next_id = last.argmax(dim=-1)
            else:
                next_id = torch.multinomial(torch.softmax(last / temperature, -1), 1, generator=generator)[:, 0]
            out.append(vocab.itos[int(next_id)])
            logits, state = model(next_id.view(1, 1), state)
    model.train(was_training)
    return prefix + "".join(out)
