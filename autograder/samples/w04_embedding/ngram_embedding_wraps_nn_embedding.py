"""Wrong: NgramEmbedding keeps its table in an nn.Embedding attribute, so its parameter is 'table.weight', not
'weight' (it cannot load nn.EmbeddingBag's state dict)."""
import torch
import torch.nn as nn

EXPECT = {"NgramEmbedding": "has the wrong parameters (state_dict keys)"}


class NgramEmbedding(nn.Module):
    def __init__(self, num_buckets, embedding_dim, n_min=3, n_max=6):
        super().__init__()
        self.num_buckets, self.n_min, self.n_max = num_buckets, n_min, n_max
        self.table = nn.Embedding(num_buckets, embedding_dim)

    def forward(self, words):
        vectors = []
        for word in words:
            buckets = [fnv1a_32(g) % self.num_buckets for g in char_ngrams(word, self.n_min, self.n_max)]
            vectors.append(self.table(torch.tensor(buckets)).mean(dim=0))
        return torch.stack(vectors)
