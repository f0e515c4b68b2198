"""Wrong: dilation is applied to the input (every dilation-th step is kept) instead of spacing the kernel's taps."""
import torch
import torch.nn.functional as F

EXPECT = {"conv1d": "dilation is applied to the kernel, not the input"}


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    x = F.pad(x, (padding, padding))
    x = x[:, :, ::dilation]  # "dilate" the sequence
    K = weight.shape[2]
    outputs = []
    for start in range(0, x.shape[2] - K + 1, stride):
        window = x[:, :, start:start + K]  # (B, C_in, K)
        outputs.append(torch.einsum("bck,ock->bo", window, weight))
    out = torch.stack(outputs, dim=2)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out
