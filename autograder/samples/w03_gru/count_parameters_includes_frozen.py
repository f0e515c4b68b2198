"""Wrong: count_parameters counts every parameter, frozen ones (requires_grad=False) included."""

EXPECT = {"count_parameters": "skip those with requires_grad=False"}


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())
