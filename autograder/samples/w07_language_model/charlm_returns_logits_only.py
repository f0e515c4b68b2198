"""Wrong: CharLM.forward returns the logits alone, without the state."""
EXPECT = {"CharLM": "should return a pair (logits, state)"}
import torch.nn as nn


class CharLM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, state=None):
        outputs, state = self.rnn(self.embedding(tokens), state)
        return self.head(outputs)
