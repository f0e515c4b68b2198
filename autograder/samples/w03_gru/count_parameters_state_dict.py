"""Wrong: count_parameters sums the state dict, which holds buffers (running statistics) too."""

EXPECT = {"count_parameters": "not state_dict()"}


def count_parameters(module):
    return sum(tensor.numel() for tensor in module.state_dict().values())
