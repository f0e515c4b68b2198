"""Correct: generate re-runs the model over the whole text so far at every step (slow but right)."""
EXPECT = {}
import torch


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    ids = [vocab.stoi[c] for c in prefix]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for _ in range(length):
            logits, _ = model(torch.tensor([ids]))
            ids.append(int(sample_next(logits[:, -1], temperature, generator)[0]))
    model.train(was_training)
    return prefix + "".join(vocab.itos[i] for i in ids[len(prefix):])
