"""Correct: keras_lstm_to_torch moves the four gates one at a time with torch.chunk and splits the bias in halves.

nn.LSTM only ever uses bias_ih_l0 + bias_hh_l0, so half of the Keras bias in each computes the same as all of it in
bias_ih_l0 and zeros in bias_hh_l0.
"""
import torch

EXPECT = {}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    if kernel.dim() != 2 or recurrent_kernel.dim() != 2 or bias.dim() != 1:
        raise ValueError("expected a 2-D kernel, a 2-D recurrent_kernel and a 1-D bias")
    hidden_size = bias.shape[0] // 4
    if (bias.shape[0] % 4 or kernel.shape[1] != 4 * hidden_size
            or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    input_rows, hidden_rows = [], []
    for gate_in, gate_rec in zip(torch.chunk(kernel, 4, dim=1), torch.chunk(recurrent_kernel, 4, dim=1)):
        input_rows.append(gate_in.T)      # (hidden_size, input_size) for this gate
        hidden_rows.append(gate_rec.T)    # (hidden_size, hidden_size)
    return {"weight_ih_l0": torch.cat(input_rows, dim=0), "weight_hh_l0": torch.cat(hidden_rows, dim=0),
            "bias_ih_l0": bias / 2, "bias_hh_l0": bias / 2}
