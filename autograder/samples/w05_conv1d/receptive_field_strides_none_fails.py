"""Wrong: receptive_field replaces dilations=None by ones but not strides=None, so the default strides fail."""
EXPECT = {"receptive_field": "NoneType"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    if dilations is None:
        dilations = [1] * n
    if len(dilations) != n or len(strides) != n:
        raise ValueError("one dilation and one stride per layer")
    field, jump = 1, 1
    for k, d, s in zip(kernel_sizes, dilations, strides):
        field += (k - 1) * d * jump
        jump *= s
    return field
