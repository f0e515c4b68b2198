"""Wrong: keras_lstm_to_torch names the tensors weight_ih, weight_hh, bias_ih, bias_hh (nn.LSTMCell's names, no _l0)."""
import torch

EXPECT = {"keras_lstm_to_torch": "wrong keys"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih": kernel.T.contiguous(), "weight_hh": recurrent_kernel.T.contiguous(),
            "bias_ih": bias.clone(), "bias_hh": torch.zeros_like(bias)}
