"""Wrong: generate calls sample_next without the generator, so the same seed gives different texts."""
EXPECT = {"generate": "pass the generator to sample_next"}
import torch


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    model.eval()
    with torch.no_grad():
        logits, state = model(torch.tensor([[vocab.stoi[c] for c in prefix]]))
        out = []
        for _ in range(length):
            next_id = sample_next(logits[:, -1], temperature)
            out.append(vocab.itos[int(next_id)])
            logits, state = model(next_id.view(1, 1), state)
    return prefix + "".join(out)
