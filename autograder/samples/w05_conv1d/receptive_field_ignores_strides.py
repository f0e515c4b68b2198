"""Wrong: receptive_field adds (k - 1) * d per layer but ignores the strides of earlier layers."""
EXPECT = {"receptive_field": "include the strides"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    if dilations is None:
        dilations = [1] * len(kernel_sizes)
    return 1 + sum((k - 1) * d for k, d in zip(kernel_sizes, dilations))
