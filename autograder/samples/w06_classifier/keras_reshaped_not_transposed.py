"""Wrong: keras_lstm_to_torch reshapes the kernels to PyTorch's shapes instead of transposing them."""
import torch

EXPECT = {"keras_lstm_to_torch": "does not transpose"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": kernel.reshape(4 * hidden_size, kernel.shape[0]),
            "weight_hh_l0": recurrent_kernel.reshape(4 * hidden_size, hidden_size),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": torch.zeros_like(bias)}
