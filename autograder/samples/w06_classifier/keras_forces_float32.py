"""Wrong: keras_lstm_to_torch builds its tensors with dtype=torch.float32, whatever the inputs' dtype."""
import torch

EXPECT = {"keras_lstm_to_torch": "wrong dtype"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": torch.tensor(kernel.T.tolist(), dtype=torch.float32),
            "weight_hh_l0": torch.tensor(recurrent_kernel.T.tolist(), dtype=torch.float32),
            "bias_ih_l0": bias.float(), "bias_hh_l0": torch.zeros(4 * hidden_size)}
