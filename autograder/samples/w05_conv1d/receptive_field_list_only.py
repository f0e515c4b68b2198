"""Wrong: receptive_field shifts the strides with [1] + strides[:-1], which fails when they are a tuple."""
EXPECT = {"receptive_field": "can only concatenate list (not \"tuple\") to list"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    dilations = [1] * n if dilations is None else dilations
    strides = [1] * n if strides is None else strides
    if len(dilations) != n or len(strides) != n:
        raise ValueError("one dilation and one stride per layer")
    earlier = [1] + strides[:-1]  # the stride of the layer before each layer
    field, jump = 1, 1
    for k, d, s in zip(kernel_sizes, dilations, earlier):
        jump *= s
        field += (k - 1) * d * jump
    return field
