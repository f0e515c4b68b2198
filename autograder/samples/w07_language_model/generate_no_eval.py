"""Wrong: generate never calls model.eval(), so a model left in training mode (dropout on) generates from it."""
EXPECT = {"generate": "call model.eval()"}
import torch


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    with torch.no_grad():
        logits, state = model(torch.tensor([[vocab.stoi[c] for c in prefix]]))
        out = []
        for _ in range(length):
            next_id = sample_next(logits[:, -1], temperature, generator)
            out.append(vocab.itos[int(next_id)])
            logits, state = model(next_id.view(1, 1), state)
    return prefix + "".join(out)
