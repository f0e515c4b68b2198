"""Wrong: generate samples the first character before its loop, so length 0 still adds one character."""
EXPECT = {"generate": "followed by 0 characters"}
import torch


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    model.eval()
    with torch.no_grad():
        logits, state = model(torch.tensor([[vocab.stoi[c] for c in prefix]]))
        next_id = sample_next(logits[:, -1], temperature, generator)
        out = [vocab.itos[int(next_id)]]
        for _ in range(length - 1):
            logits, state = model(next_id.view(1, 1), state)
            next_id = sample_next(logits[:, -1], temperature, generator)
            out.append(vocab.itos[int(next_id)])
    return prefix + "".join(out)
