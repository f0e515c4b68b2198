"""Wrong: receptive_field adds (k - 1) per layer times the earlier strides, but leaves out the dilations."""
EXPECT = {"receptive_field": "include the dilations"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    dilations = [1] * n if dilations is None else list(dilations)
    strides = [1] * n if strides is None else list(strides)
    if len(dilations) != n or len(strides) != n:
        raise ValueError("one dilation and one stride per layer")
    field, jump = 1, 1
    for k, s in zip(kernel_sizes, strides):
        field += (k - 1) * jump
        jump *= s
    return field
