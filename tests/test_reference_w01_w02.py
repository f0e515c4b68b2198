"""The reference solutions of weeks 1 and 2 equal the PyTorch built-ins (weights copied with load_state_dict)."""
import pytest
import torch
import torch.nn as nn
from torch.testing import assert_close

import solutions.w01_rnn as w01
import solutions.w02_lstm as w02

F64 = torch.float64


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


@pytest.mark.parametrize("bias", [True, False])
def test_rnncell_equals_nn_rnncell(bias):
    reference = nn.RNNCell(3, 5, bias=bias).double()
    cell = w01.RNNCell(3, 5, bias=bias).double()
    cell.load_state_dict(reference.state_dict())
    x, h = torch.randn(4, 3, dtype=F64), torch.randn(4, 5, dtype=F64)
    assert_close(cell(x, h), reference(x, h))
    assert_close(cell(x), reference(x))


def test_rnn_forward_equals_nn_rnn():
    rnn = nn.RNN(3, 5).double()
    cell = nn.RNNCell(3, 5).double()
    cell.load_state_dict({k[:-3]: v for k, v in rnn.state_dict().items()})
    xs, h0 = torch.randn(7, 2, 3, dtype=F64), torch.randn(2, 5, dtype=F64)
    outputs, h_n = w01.rnn_forward(cell, xs, h0)
    expected, expected_h = rnn(xs, h0[None])
    assert_close(outputs, expected)
    assert_close(h_n, expected_h[0])


def test_hidden_grad_norms_equals_autograd_on_nn_rnn():
    cell = nn.RNNCell(3, 4).double()
    xs = torch.randn(6, 2, 3, dtype=F64)
    h, states = None, []
    for x in xs:
        h = cell(x, h)
        states.append(h)
    grads = torch.autograd.grad(states[-1].sum(), states)
    assert_close(w01.hidden_grad_norms(cell, xs), torch.stack([g.norm() for g in grads]))


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
def test_clip_grad_norm_equals_torch(max_norm):
    params = [torch.randn(3, 4, requires_grad=True), torch.randn(5, requires_grad=True), torch.randn(2, requires_grad=True)]
    copies = [p.detach().clone().requires_grad_() for p in params]
    for p, q in zip(params[:2], copies[:2]):
        p.grad = torch.randn_like(p)
        q.grad = p.grad.clone()
    total = w01.clip_grad_norm(params, max_norm)
    expected = torch.nn.utils.clip_grad_norm_(copies, max_norm)
    assert_close(total, expected)
    for p, q in zip(params, copies):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            assert_close(p.grad, q.grad)


def test_rnn_cell_rejects_bad_rank():
    with pytest.raises(ValueError):
        w01.rnn_cell(torch.randn(3), torch.randn(1, 4), torch.randn(4, 3), torch.randn(4, 4), None, None)


@pytest.mark.parametrize("bias", [True, False])
def test_lstmcell_equals_nn_lstmcell(bias):
    reference = nn.LSTMCell(3, 5, bias=bias).double()
    cell = w02.LSTMCell(3, 5, bias=bias).double()
    cell.load_state_dict(reference.state_dict())
    x = torch.randn(4, 3, dtype=F64)
    state = (torch.randn(4, 5, dtype=F64), torch.randn(4, 5, dtype=F64))
    for got, expected in zip(cell(x, state), reference(x, state)):
        assert_close(got, expected)
    for got, expected in zip(cell(x), reference(x)):
        assert_close(got, expected)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_lstm_equals_nn_lstm(batch_first, with_state):
    reference = nn.LSTM(3, 5, batch_first=batch_first).double()
    lstm = w02.LSTM(3, 5, batch_first=batch_first).double()
    lstm.load_state_dict(reference.state_dict())
    x = torch.randn(2, 6, 3, dtype=F64) if batch_first else torch.randn(6, 2, 3, dtype=F64)
    state = (torch.randn(1, 2, 5, dtype=F64), torch.randn(1, 2, 5, dtype=F64)) if with_state else None
    output, (h_n, c_n) = lstm(x, state)
    expected, (eh, ec) = reference(x, state)
    assert_close(output, expected)
    assert_close(h_n, eh)
    assert_close(c_n, ec)
