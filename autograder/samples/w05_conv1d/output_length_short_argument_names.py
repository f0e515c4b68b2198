"""Wrong: conv1d_output_length names its arguments s, p, d, so the keywords stride=, padding=, dilation= (nn.Conv1d's
names) fail."""
EXPECT = {"conv1d_output_length": "unexpected keyword argument 'stride'"}


def conv1d_output_length(length, kernel_size, s=1, p=0, d=1):
    out = (length + 2 * p - d * (kernel_size - 1) - 1) // s + 1
    if out < 1:
        raise ValueError("the kernel does not fit")
    return out
