"""Correct: keras_lstm_to_torch returns transposed views (.T, .t()) and bias.new_zeros, with the shape checks first."""
EXPECT = {}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": kernel.T, "weight_hh_l0": recurrent_kernel.t(),
            "bias_ih_l0": bias, "bias_hh_l0": bias.new_zeros(bias.shape)}
