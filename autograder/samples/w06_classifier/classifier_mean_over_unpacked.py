"""Wrong: TextClassifier averages the unpacked GRU outputs over the batch's longest length, zero padding included.

Extra padding does not change the logits (unpacking pads to max(lengths) only), but a sequence alone gets other logits
than inside a batch of longer ones.
"""
import torch.nn as nn

EXPECT = {"TextClassifier": "alone, compared with inside the batch"}


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.rnn = nn.GRU(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.dropout(self.embedding(tokens)), lengths.cpu(),
                                                   batch_first=True, enforce_sorted=False)
        outputs, _ = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True)
        return self.head(self.dropout(outputs.mean(dim=1)))
