"""Wrong: count_parameters counts parameter tensors, not their scalars."""

EXPECT = {"count_parameters": "count scalars: add p.numel()"}


def count_parameters(module):
    return len([p for p in module.parameters() if p.requires_grad])
