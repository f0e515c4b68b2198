"""Wrong: generate samples the first character from the logits of the prefix's FIRST position."""
EXPECT = {"generate": "differs from greedy decoding"}
import torch


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    model.eval()
    with torch.no_grad():
        tokens = torch.tensor([[vocab.stoi[c] for c in prefix]])
        logits, state = model(tokens)
        step_logits = logits[:, 0]
        out = []
        for _ in range(length):
            next_id = sample_next(step_logits, temperature, generator)
            out.append(vocab.itos[int(next_id)])
            logits, state = model(next_id.view(1, 1), state)
            step_logits = logits[:, -1]
    return prefix + "".join(out)
