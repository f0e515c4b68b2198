"""Wrong: TextClassifier runs its bidirectional GRU over the padded batch without packing it."""
import torch.nn as nn

EXPECT = {"TextClassifier": "reverse direction reads the padding first"}


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.rnn = nn.GRU(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, tokens, lengths):
        outputs, _ = self.rnn(self.dropout(self.embedding(tokens)))
        pooled = masked_mean(outputs, lengths_to_mask(lengths, tokens.shape[1]))
        return self.head(self.dropout(pooled))
