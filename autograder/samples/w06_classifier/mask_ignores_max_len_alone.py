"""Wrong: lengths_to_mask ignores max_len; its TextClassifier reads final LSTM states and needs no mask.

So only lengths_to_mask is wrong (mask_ignores_max_len shows the same mistake breaking TextClassifier too).
"""
import torch
import torch.nn as nn

EXPECT = {"lengths_to_mask": "T is max_len when given"}


def lengths_to_mask(lengths, max_len=None):
    return torch.arange(int(lengths.max())).unsqueeze(0) < lengths.unsqueeze(1)


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Sequential(nn.Dropout(0.3), nn.Linear(2 * hidden_size, num_classes))

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(tokens), lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))
