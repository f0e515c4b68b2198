"""Wrong: keras_lstm_to_torch returns float64 "for precision", also for Keras' float32 weights."""
import torch

EXPECT = {"keras_lstm_to_torch": "wrong dtype"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": kernel.double().T, "weight_hh_l0": recurrent_kernel.double().T,
            "bias_ih_l0": bias.double(), "bias_hh_l0": torch.zeros(4 * hidden_size, dtype=torch.float64)}
