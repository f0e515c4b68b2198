"""Wrong: keras_lstm_to_torch puts the Keras bias in both bias_ih_l0 and bias_hh_l0, so nn.LSTM adds it twice."""
EXPECT = {"keras_lstm_to_torch": "counts twice"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    hidden_size = recurrent_kernel.shape[0]
    if (kernel.dim() != 2 or recurrent_kernel.shape != (hidden_size, 4 * hidden_size)
            or kernel.shape[1] != 4 * hidden_size or bias.shape != (4 * hidden_size,)):
        raise ValueError("kernel, recurrent_kernel and bias do not fit one LSTM layer")
    return {"weight_ih_l0": kernel.T.contiguous(), "weight_hh_l0": recurrent_kernel.T.contiguous(),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": bias.clone()}
