"""Wrong: masked_mean zeroes the padding but divides by T instead of the lengths."""
EXPECT = {"masked_mean": "not by T"}


def masked_mean(x, mask):
    return (x * mask.unsqueeze(-1).to(x.dtype)).mean(dim=1)
