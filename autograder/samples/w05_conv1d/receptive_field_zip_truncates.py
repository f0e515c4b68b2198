"""Wrong: receptive_field zips the lists without checking their lengths, so extra or missing entries are silently
dropped, where a ValueError is asked for."""
EXPECT = {"receptive_field": "should raise ValueError"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    dilations = [1] * n if dilations is None else dilations
    strides = [1] * n if strides is None else strides
    field, jump = 1, 1
    for k, d, s in zip(kernel_sizes, dilations, strides):
        field += (k - 1) * d * jump
        jump *= s
    return field
