"""Wrong: conv1d_output_length returns the formula's value even when the kernel does not fit (0 or negative), where
a ValueError is asked for."""
EXPECT = {"conv1d_output_length": "should raise ValueError"}


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    return (length + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
