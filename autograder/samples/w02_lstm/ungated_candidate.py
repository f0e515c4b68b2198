"""Wrong: c_new = f*c + g, the candidate is written without the input gate."""
import torch

EXPECT = {
    "lstm_cell": "c_new = f*c + i*g: the input gate i scales g",
    "LSTMCell": "[FAIL] LSTMCell(I, H, bias) is state-dict compatible",
    "LSTM": "[FAIL] LSTM(I, H, batch_first) is state-dict compatible",
}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + g
    return o * torch.tanh(c_new), c_new
