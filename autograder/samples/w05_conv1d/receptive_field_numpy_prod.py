"""Wrong: receptive_field multiplies the earlier strides with np.prod, so it returns a NumPy integer, not a Python
int."""
import numpy as np

EXPECT = {"receptive_field": "should return a Python int"}


def receptive_field(kernel_sizes, dilations=None, strides=None):
    n = len(kernel_sizes)
    dilations = [1] * n if dilations is None else list(dilations)
    strides = [1] * n if strides is None else list(strides)
    if len(dilations) != n or len(strides) != n:
        raise ValueError("one dilation and one stride per layer")
    return 1 + sum((kernel_sizes[l] - 1) * dilations[l] * np.prod(strides[:l], dtype=np.int64) for l in range(n))
