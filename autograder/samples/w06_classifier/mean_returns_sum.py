"""Wrong: masked_mean returns the masked SUM (never divides by the number of real steps).

TextClassifier still passes: a sum over the real steps is still independent of padding and of the batch.
"""
EXPECT = {"masked_mean": "this is the masked SUM"}


def masked_mean(x, mask):
    return x.masked_fill(~mask.unsqueeze(-1), 0).sum(dim=1)
