"""Wrong: keras_lstm_to_torch converts any shapes it is given, without the ValueError the task asks for."""
import torch

EXPECT = {"keras_lstm_to_torch": "should raise ValueError"}


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    return {"weight_ih_l0": kernel.T.contiguous(), "weight_hh_l0": recurrent_kernel.T.contiguous(),
            "bias_ih_l0": bias.clone(), "bias_hh_l0": torch.zeros_like(bias)}
