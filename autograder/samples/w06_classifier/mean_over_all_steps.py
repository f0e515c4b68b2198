"""Wrong: masked_mean zeroes the padding but divides by T, so padding still changes TextClassifier's logits."""
EXPECT = {"masked_mean": "not by T", "TextClassifier": "padding"}


def masked_mean(x, mask):
    return (x * mask.unsqueeze(-1).to(x.dtype)).mean(dim=1)
