"""Wrong: CharLM keeps its layers in a plain Python list, so they are not registered and never trained."""
EXPECT = {"CharLM": "No gradient reached the parameters"}
import torch.nn as nn


class CharLM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers=1):
        super().__init__()
        self.layers = [nn.Embedding(vocab_size, embed_dim),
                       nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True),
                       nn.Linear(hidden_size, vocab_size)]

    def forward(self, tokens, state=None):
        embedding, rnn, head = self.layers
        outputs, state = rnn(embedding(tokens), state)
        return head(outputs), state
