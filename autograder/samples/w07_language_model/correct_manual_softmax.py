"""Correct: temperature_softmax written with max subtraction; CharLM with a GRU and its own state."""
EXPECT = {}
import torch
import torch.nn as nn


def temperature_softmax(logits, temperature):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    z = logits / temperature
    z = z - z.max(dim=-1, keepdim=True).values
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)


class CharLM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers=1):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim, hidden_size, num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, state=None):
        h, state = self.gru(self.emb(tokens), state)
        return self.out(h), state
