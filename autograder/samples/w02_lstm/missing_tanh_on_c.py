"""Wrong: h_new = o * c_new, without the tanh on the new cell state."""
EXPECT = {"lstm_cell": "h_new = o * tanh(c_new): apply tanh to the new cell state"}


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = f * c + i * g
    return o * c_new, c_new
