"""Wrong: CharLM ignores num_layers and always builds a single LSTM layer."""
EXPECT = {"CharLM": "pass num_layers on"}
import torch.nn as nn


class CharLM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, state=None):
        outputs, state = self.rnn(self.embedding(tokens), state)
        return self.head(outputs), state
