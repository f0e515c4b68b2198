"""Wrong: conv1d_output_length rounds the division by the stride up (math.ceil), counting a last window that does
not fit."""
import math

EXPECT = {"conv1d_output_length": "round down (floor)"}


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    out = math.ceil((length + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
    if out < 1:
        raise ValueError("the kernel does not fit")
    return out
