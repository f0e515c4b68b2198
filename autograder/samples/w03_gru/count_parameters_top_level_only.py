"""Wrong: count_parameters skips the parameters of submodules (recurse=False)."""

EXPECT = {"count_parameters": "count the parameters of submodules too"}


def count_parameters(module):
    return sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad)
