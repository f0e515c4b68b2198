"""Wrong: conv1d_output_length uses true division / and returns a float."""
EXPECT = {"conv1d_output_length": "should return a Python int"}


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    return (length + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
