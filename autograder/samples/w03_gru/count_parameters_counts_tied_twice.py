"""Wrong: count_parameters counts a shared (tied) parameter once per module that uses it."""

EXPECT = {"count_parameters": "a shared (tied) parameter counts once"}


def count_parameters(module):
    named = module.named_parameters(remove_duplicate=False)
    return sum(p.numel() for _, p in named if p.requires_grad)
