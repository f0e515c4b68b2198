"""Wrong: TextClassifier.forward returns (logits, pooled features) instead of the logits alone."""
import torch.nn as nn

EXPECT = {"TextClassifier": "should return the logits alone"}


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
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=tokens.shape[1])
        pooled = masked_mean(outputs, lengths_to_mask(lengths, tokens.shape[1]))
        return self.head(self.dropout(pooled)), pooled
