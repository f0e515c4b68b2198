"""Wrong: masked_mean multiplies x by the mask, so inf or nan at a padded step gives nan (inf * 0).

TextClassifier still passes: the packed GRU outputs are exactly 0 at padded steps.
"""
EXPECT = {"masked_mean": "inf * 0 and nan * 0 are nan"}


def masked_mean(x, mask):
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(dim=1) / m.sum(dim=1)
