"""Wrong: keras_lstm_to_torch refuses a square kernel (input_size == 4 * hidden_size), taking it for PyTorch's."""
import torch

EXPECT = {"keras_lstm_to_torch": "square"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    if kernel.shape[0] == 4 * hidden_size:
        raise ValueError("kernel looks like PyTorch's weight_ih_l0 (4 * hidden_size rows): is it transposed already?")
    return {"weight_ih_l0": kernel.T.contiguous(), "weight_hh_l0": recurrent_kernel.T.contiguous(),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": torch.zeros_like(bias)}
