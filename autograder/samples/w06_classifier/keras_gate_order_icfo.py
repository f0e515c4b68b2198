"""Wrong: keras_lstm_to_torch "converts" the gate order by swapping the f and c blocks (Keras' order is PyTorch's)."""
import torch

EXPECT = {"keras_lstm_to_torch": "i, c, f, o"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")

    def reorder(t):  # blocks i, f, c, o -> i, c, f, o along the first dimension
        i, f, c, o = t.chunk(4, dim=0)
        return torch.cat([i, c, f, o], dim=0)

    return {"weight_ih_l0": reorder(kernel.T), "weight_hh_l0": reorder(recurrent_kernel.T),
            "bias_ih_l0": reorder(bias), "bias_hh_l0": torch.zeros_like(bias)}
