"""Correct: keras_lstm_to_torch permutes (input, gate, unit) in float64, then casts back to the inputs' dtype."""
import torch

EXPECT = {}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    dtype = kernel.dtype
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.dim() != 2 or kernel.shape[1] != 4 * hidden_size
            or recurrent_kernel.shape[1] != 4 * hidden_size or tuple(bias.shape) != (4 * hidden_size,)):
        raise ValueError(f"shapes {tuple(kernel.shape)}, {tuple(recurrent_kernel.shape)}, {tuple(bias.shape)} do not "
                         "fit one LSTM layer")

    def to_rows(matrix):  # (n, 4 * hidden_size) -> (4 * hidden_size, n), through (gate, unit, n)
        n = matrix.shape[0]
        return matrix.double().reshape(n, 4, hidden_size).permute(1, 2, 0).reshape(4 * hidden_size, n).to(dtype)

    return {"weight_ih_l0": to_rows(kernel), "weight_hh_l0": to_rows(recurrent_kernel),
            "bias_ih_l0": bias.double().to(dtype), "bias_hh_l0": torch.zeros(4 * hidden_size, dtype=dtype)}
