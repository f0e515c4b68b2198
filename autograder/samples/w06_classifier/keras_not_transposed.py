"""Wrong: keras_lstm_to_torch copies kernel and recurrent_kernel as they are, without transposing them."""
import torch

EXPECT = {"keras_lstm_to_torch": "x @ kernel"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": kernel.clone(), "weight_hh_l0": recurrent_kernel.clone(),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": torch.zeros_like(bias)}
