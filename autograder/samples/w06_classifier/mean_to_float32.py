"""Wrong: masked_mean converts its result to float32, whatever the dtype of x."""
EXPECT = {"masked_mean": "wrong dtype"}


def masked_mean(x, mask):
    m = mask.unsqueeze(-1).float()
    return ((x.float() * m).sum(dim=1) / m.sum(dim=1)).float()
