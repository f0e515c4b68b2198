"""Wrong: masked_mean computes in float64 "for precision" and returns float64 for float32 x.

Its TextClassifier reads final LSTM states (no masked_mean), so only masked_mean is wrong: with the reference
TextClassifier, float64 features would also break the float32 Linear layer.
"""
import torch
import torch.nn as nn

EXPECT = {"masked_mean": "wrong dtype"}


def masked_mean(x, mask):
    x = x.double().masked_fill(~mask.unsqueeze(-1), 0)
    return x.sum(dim=1) / mask.sum(dim=1, keepdim=True).double()


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
