"""Wrong: keras_lstm_to_torch concatenates kernel and recurrent_kernel into one matrix on [x, h], the diagrams' W."""
import torch

EXPECT = {"keras_lstm_to_torch": "do not concatenate"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    weight = torch.cat([kernel, recurrent_kernel], dim=0).T        # (4 * hidden_size, input_size + hidden_size)
    return {"weight_ih_l0": weight, "weight_hh_l0": torch.zeros(4 * hidden_size, hidden_size, dtype=kernel.dtype),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": torch.zeros_like(bias)}
