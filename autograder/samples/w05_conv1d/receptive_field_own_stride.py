"""Wrong: receptive_field multiplies each layer by its own stride too (prod over m <= l)."""
EXPECT = {"receptive_field": "own stride does not widen its own window"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    dilations = dilations or [1] * n
    strides = strides or [1] * n
    field, jump = 1, 1
    for k, d, s in zip(kernel_sizes, dilations, strides):
        jump *= s
        field += (k - 1) * d * jump
    return field
