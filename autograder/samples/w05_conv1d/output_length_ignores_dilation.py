"""Wrong: conv1d_output_length leaves the dilation out of the kernel's span: floor((L + 2p - k) / s) + 1."""
EXPECT = {"conv1d_output_length": "include the dilation"}


def conv1d_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    out = (length + 2 * padding - kernel_size) // stride + 1
    if out < 1:
        raise ValueError("the kernel does not fit")
    return out
