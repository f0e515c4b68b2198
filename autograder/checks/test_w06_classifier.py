"""Hidden checks of week 6: padding a batch, length masks, the masked mean, a recurrent text classifier and porting
the weights of a Keras LSTM layer to nn.LSTM.

torch.nn layers are allowed this week, so no item forbids a built-in. The item "checkpoint" grades the
trained model the student hands in (classifier.pt, saved by the notebook): its accuracy on the test split.
"""
import itertools

import pytest
import torch
import torch.nn as nn
from hypothesis import example, given
from hypothesis import strategies as st

import solutions.w06_classifier as ref
from autograder.checks.clauses import Clause
from autograder.messages import N_, _
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import HINT
from autograder.checks.helpers import (CheckFailure, F64, assert_close, assert_tensor, calling, check_pair, describe,
                                       expect_value_error, fail, first_match, load_checkpoint, model_from_checkpoint,
                                       quietly, random_tensor, same_values, seeds)
from course_data import Vocab, load_trec

WEEK = "w06_classifier"
FORBIDDEN = {"pad_sequences": [], "lengths_to_mask": [], "masked_mean": [], "TextClassifier": [],
             "keras_lstm_to_torch": [], "checkpoint": []}
# Each item is graded on its own: while TextClassifier is checked, the mask and the pooling are the reference's.
BUILDS_ON = {"TextClassifier": ["lengths_to_mask", "masked_mean"]}

# The trained classifier: the notebook saves it and states this threshold (the majority class reaches 0.204,
# the reference 0.838).
CHECKPOINT = "classifier.pt"
TEST_ACCURACY_THRESHOLD = 0.75
SAVE_HINT = N_("run the training cell, then the cell that saves the checkpoint: {code}, and hand classifier.pt in "
               "with the notebook")
SAVE_CODE = "torch.save({'config': {...}, 'vocab': vocab.itos, 'state_dict': model.state_dict()}, 'classifier.pt')"


def save_hint():
    return _(SAVE_HINT).format(code=SAVE_CODE)


# -- helpers -----------------------------------------------------------------------------------

def check_dtype(value, dtype, what, hint):
    assert_tensor(value, what)
    if value.dtype != dtype:
        fail(_("{what} has the wrong dtype.").format(what=what), str(dtype).removeprefix("torch."),
             str(value.dtype).removeprefix("torch."), hint)


def close_or_explain(actual, expected, what, mistakes):
    """assert_close, naming the classic mistake the result matches."""
    hint = None
    if isinstance(actual, torch.Tensor) and actual.shape == expected.shape and not torch.allclose(
            actual.detach().to(F64), expected.to(F64), atol=1e-6, rtol=1e-5):
        hint = first_match(actual, mistakes)
    assert_close(actual, expected, what, mistakes={hint: actual} if hint else None)


def seq_lists(draw, max_batch=5, max_len=7):
    B = draw(st.integers(1, max_batch))
    return [draw(st.lists(st.integers(0, 50), min_size=1, max_size=max_len)) for _ in range(B)]


# -- pad_sequences -----------------------------------------------------------------------------

PAD_LEFT = N_("pad on the RIGHT: row b starts with seqs[b] and the padding comes after it")
PAD_IDX = N_("fill the padding with pad_idx (the argument), not always 0")
LENGTHS_FROM_TOKENS = N_("lengths[b] is len(seqs[b]): do not count the tokens that differ from pad_idx, since a "
                         "sequence may contain pad_idx as a real token")


def pad_mistakes(seqs, pad_idx):
    T = max(len(s) for s in seqs)
    left = torch.tensor([[pad_idx] * (T - len(s)) + list(s) for s in seqs])
    zero = torch.tensor([list(s) + [0] * (T - len(s)) for s in seqs])
    return {_(PAD_LEFT): left, _(PAD_IDX): zero}


def check_padded(impl, seqs, pad_idx, what):
    result = check_pair(impl.pad_sequences(seqs, pad_idx=pad_idx), what, "(tokens, lengths)")
    tokens, lengths = result
    want_tokens, want_lengths = ref.pad_sequences(seqs, pad_idx=pad_idx)
    tokens_of = _("tokens of {what}").format(what=what)
    check_dtype(tokens, torch.long, tokens_of, _("token ids are a LongTensor (dtype=torch.long)"))
    if tokens.dim() == 2 and tokens.shape[0] == len(seqs) and tokens.shape[1] != want_tokens.shape[1]:
        fail(_("{what} has the wrong shape.").format(what=tokens_of),
             _("shape {shape}").format(shape=tuple(want_tokens.shape)),
             _("shape {shape}").format(shape=tuple(tokens.shape)),
             _("T is the length of the LONGEST sequence, max(len(s) for s in seqs): every sequence fits whole, "
               "none is cut"))
    assert_tensor(tokens, tokens_of, want_tokens.shape)
    close_or_explain(tokens, want_tokens, _("tokens of {what} (index = (row b, step t))").format(what=what),
                     pad_mistakes(seqs, pad_idx))
    lengths_of = _("lengths of {what}").format(what=what)
    check_dtype(lengths, torch.long, lengths_of,
                _("return the lengths as a LongTensor (torch.tensor(..., dtype=torch.long)), not a list"))
    assert_tensor(lengths, lengths_of, want_lengths.shape)
    close_or_explain(lengths, want_lengths, _("lengths of {what} (index = row b)").format(what=what),
                     {_(LENGTHS_FROM_TOKENS): (want_tokens != pad_idx).sum(1)})


@pytest.mark.item("pad_sequences")
def test_pad_sequences_worked_example(impl):
    """pad_sequences([[4, 5, 6], [7], [8, 9]]) gives tokens [[4, 5, 6], [7, 0, 0], [8, 9, 0]] and lengths [3, 1, 2]."""
    check_padded(impl, [[4, 5, 6], [7], [8, 9]], 0, "pad_sequences([[4, 5, 6], [7], [8, 9]])")


@pytest.mark.item("pad_sequences", weight=3)
@given(st.data())
def test_pad_sequences_random(impl, data):
    """pad_sequences pads random batches on the right with pad_idx and returns LongTensor lengths."""
    seqs = seq_lists(data.draw)
    pad_idx = data.draw(st.integers(0, 60))
    check_padded(impl, seqs, pad_idx, f"pad_sequences({seqs}, pad_idx={pad_idx})")


@pytest.mark.item("pad_sequences")
def test_pad_sequences_single_and_equal_lengths(impl):
    """pad_sequences handles one sequence, length-1 sequences and a batch needing no padding."""
    for seqs in ([[3]], [[1, 2, 3, 4]], [[5], [6], [7]], [[1, 2], [3, 4]]):
        check_padded(impl, seqs, 9, f"pad_sequences({seqs}, pad_idx=9)")


# -- lengths_to_mask ---------------------------------------------------------------------------

MASK_LE = N_("True at steps t < lengths[b] (there are exactly lengths[b] of them): use <, not <=")
MASK_INVERTED = N_("True marks the REAL steps (t < lengths[b]) and False the padding, not the other way round")


MASK_SHORT = N_("steps count from 0: row b has exactly lengths[b] True steps, torch.arange(T) < lengths[b] "
                "(not torch.arange(1, T + 1) < lengths[b])")
MASK_INVERTED_LE = N_("True marks the REAL steps (t < lengths[b]) and False the padding, not the other way round; "
                      "and use <, not <=")
MASK_TIME_MAJOR = N_("the mask is (batch, T): row b is sequence b (compare steps.unsqueeze(0) with "
                     "lengths.unsqueeze(1))")


def mask_mistakes(lengths, max_len):
    T = int(lengths.max()) if max_len is None else max_len
    steps = torch.arange(T).unsqueeze(0)
    mistakes = {_(MASK_LE): steps <= lengths.unsqueeze(1), _(MASK_INVERTED): steps >= lengths.unsqueeze(1),
                _(MASK_SHORT): steps + 1 < lengths.unsqueeze(1), _(MASK_INVERTED_LE): steps > lengths.unsqueeze(1)}
    if T == lengths.shape[0]:
        mistakes[_(MASK_TIME_MAJOR)] = (steps < lengths.unsqueeze(1)).T
    return mistakes


def check_mask(impl, lengths, max_len, what):
    mask = impl.lengths_to_mask(lengths) if max_len is None else impl.lengths_to_mask(lengths, max_len=max_len)
    expected = ref.lengths_to_mask(lengths, max_len)
    check_dtype(mask, torch.bool, what,
                _("a comparison such as steps < lengths gives a BoolTensor: do not convert it"))
    if tuple(mask.shape) != tuple(expected.shape):
        hint = (_("T is max_len when given, else max(lengths)") if max_len is not None
                else _("T is max(lengths) when max_len is None"))
        if tuple(mask.shape) == tuple(expected.shape)[::-1] and expected.shape[0] != expected.shape[1]:
            hint = _(MASK_TIME_MAJOR)
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=tuple(expected.shape)),
             _("shape {shape}").format(shape=tuple(mask.shape)), hint)
    close_or_explain(mask, expected, _("{what} (index = (row b, step t))").format(what=what),
                     mask_mistakes(lengths, max_len))


@pytest.mark.item("lengths_to_mask")
def test_lengths_to_mask_worked_example(impl):
    """lengths_to_mask(tensor([3, 1, 2])) is [[T, T, T], [T, F, F], [T, T, F]]; max_len=5 adds False columns."""
    lengths = torch.tensor([3, 1, 2])
    check_mask(impl, lengths, None, "lengths_to_mask(tensor([3, 1, 2]))")
    check_mask(impl, lengths, 5, "lengths_to_mask(tensor([3, 1, 2]), max_len=5)")


@pytest.mark.item("lengths_to_mask", weight=3)
@given(st.lists(st.integers(1, 8), min_size=1, max_size=6), st.integers(0, 3), st.booleans())
def test_lengths_to_mask_random(impl, values, extra, given_max):
    """lengths_to_mask matches t < lengths[b] for random lengths, with and without max_len."""
    lengths = torch.tensor(values)
    max_len = max(values) + extra if given_max else None
    check_mask(impl, lengths, max_len, f"lengths_to_mask(tensor({values})" + (
        f", max_len={max_len})" if given_max else ")"))


@pytest.mark.item("lengths_to_mask")
def test_lengths_to_mask_length_one_and_full(impl):
    """lengths_to_mask is right at length 1 (one True) and at full length (all True)."""
    for values, max_len in (([1], None), ([1, 1], 4), ([6, 1, 6], 6), ([4], 4), ([1, 5], None)):
        check_mask(impl, torch.tensor(values), max_len,
                   f"lengths_to_mask(tensor({values})" + (f", max_len={max_len})" if max_len else ")"))


# -- masked_mean -------------------------------------------------------------------------------

MEAN_ALL = N_("divide by the number of True steps of each row, not by T (padding is not part of the mean)")
MEAN_SUM = N_("this is the masked SUM: divide by the number of True steps of each row")
MEAN_PAD = N_("padded steps (mask False) must not contribute: zero them (masked_fill) or weight by the mask first")
MEAN_PREFIX = N_("the True steps need not come first: average exactly the steps where the mask is True (do not "
                 "rebuild a mask of lengths from their count)")


MEAN_GLOBAL = N_("divide each row by ITS number of True steps (mask.sum(dim=1)), not by the count over the whole "
                 "batch")
MEAN_INVERTED = N_("mask is True at the REAL steps: average where it is True, not where it is False")
MEAN_BROADCAST = N_("mask is (batch, T) and x (batch, T, D): unsqueeze the mask to (batch, T, 1) "
                    "(mask.unsqueeze(-1)) so that it broadcasts over the features")


def mean_mistakes(x, mask):
    m = mask.unsqueeze(-1).to(x.dtype)
    total = (x * m).sum(1)
    count = m.sum(1)
    prefix = (torch.arange(x.shape[1]).unsqueeze(0) < mask.sum(1, keepdim=True)).unsqueeze(-1)
    return {_(MEAN_ALL): total / x.shape[1], _(MEAN_SUM): total, _(MEAN_PAD): x.sum(1) / count,
            _(MEAN_PREFIX): x.masked_fill(~prefix, 0).sum(1) / count,
            _(MEAN_GLOBAL): total / m.sum(), _(MEAN_INVERTED): (x * (1 - m)).sum(1) / (1 - m).sum(1).clamp(min=1)}


def check_mean(impl, x, mask, what):
    actual = calling(what, lambda: impl.masked_mean(x, mask), {"size of tensor": _(MEAN_BROADCAST)})
    expected = ref.masked_mean(x, mask)
    assert_tensor(actual, what, expected.shape)
    mistakes = mean_mistakes(x, mask)
    matching = [h for h, wrong in mistakes.items() if same_values(actual, wrong)]
    if len(matching) > 1 and not same_values(actual, expected):  # small inputs: let generic ones decide
        gx = random_tensor(61, 3, 4, 2)
        gmask = torch.tensor([[True, True, True, False], [True, False, False, False], [False, True, True, True]])
        theirs = quietly(lambda: impl.masked_mean(gx, gmask))
        generic = [h for h, wrong in mean_mistakes(gx, gmask).items() if h in matching and same_values(theirs, wrong)]
        mistakes = {h: mistakes[h] for h in generic[:1]}
    close_or_explain(actual, expected, _("{what} (index = (row b, feature d))").format(what=what), mistakes)
    check_dtype(actual, x.dtype, what, _("return the dtype of x: no .float() or .double(); divide by the counts "
                                         "converted to x.dtype"))


@pytest.mark.item("masked_mean")
def test_masked_mean_worked_example(impl):
    """masked_mean of rows [1, 3, pad] and [2, pad, pad] (D=1) is [2, 2], whatever the padded values."""
    x = torch.tensor([[[1.0], [3.0], [100.0]], [[2.0], [-50.0], [7.0]]], dtype=F64)
    mask = torch.tensor([[True, True, False], [True, False, False]])
    check_mean(impl, x, mask, _("masked_mean(x, mask) for rows [1, 3, 100] and [2, -50, 7] with lengths 2 and 1"))


@st.composite
def masked_inputs(draw, prefix=True):
    B, T, D = draw(st.integers(1, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 4))
    if prefix:
        lengths = torch.tensor([draw(st.integers(1, T)) for _ in range(B)])
        mask = ref.lengths_to_mask(lengths, T)
    else:
        rows = []
        for _ in range(B):
            row = draw(st.lists(st.booleans(), min_size=T, max_size=T))
            if not any(row):
                row[draw(st.integers(0, T - 1))] = True
            rows.append(row)
        mask = torch.tensor(rows)
    x = random_tensor(draw(st.integers(0, 2**31 - 1)), B, T, D)
    x = torch.where(mask.unsqueeze(-1), x, x * 1000)  # large values at the masked-out steps
    return x, mask


@pytest.mark.item("masked_mean", weight=3)
@given(masked_inputs())
def test_masked_mean_random(impl, inputs):
    """masked_mean averages only the True steps of each row (length masks, large values in the padding)."""
    x, mask = inputs
    check_mean(impl, x, mask, _("masked_mean(x of shape {shape}, mask of lengths {lengths})").format(
        shape=tuple(x.shape), lengths=mask.sum(1).tolist()))


@pytest.mark.item("masked_mean")
@given(masked_inputs(prefix=False))
def test_masked_mean_any_mask(impl, inputs):
    """masked_mean works for any mask with a True per row, not only masks of lengths."""
    x, mask = inputs
    check_mean(impl, x, mask, _("masked_mean(x of shape {shape}, mask {mask})").format(
        shape=tuple(x.shape), mask=mask.int().tolist()))


@pytest.mark.item("masked_mean")
def test_masked_mean_keeps_dtype(impl):
    """masked_mean returns float32 for float32 x and float64 for float64 x."""
    mask = torch.tensor([[True, True, False, False], [True, True, True, True]])
    for dtype in (torch.float32, torch.float64):
        x = random_tensor(6, 2, 4, 3).to(dtype)
        check_mean(impl, x, mask, _("masked_mean(x of dtype {dtype})").format(dtype=str(dtype).removeprefix("torch.")))


@pytest.mark.item("masked_mean")
def test_masked_mean_ignores_inf_and_nan(impl):
    """masked_mean ignores inf and nan at the masked-out steps."""
    mask = torch.tensor([[True, False, True, False], [True, True, False, False], [False, True, True, True]])
    x = random_tensor(7, 3, 4, 2)
    x[0, 1] = float("inf")
    x[0, 3] = float("nan")
    x[1, 2:] = float("-inf")
    x[2, 0] = float("nan")
    actual = impl.masked_mean(x, mask)
    what = _("masked_mean(x, mask) with inf, -inf and nan at masked-out steps (index = (row b, feature d))")
    assert_tensor(actual, what, (3, 2))
    if not torch.isfinite(actual).all():
        fail(_("{what} is not finite: a masked-out step still reached the result.").format(what=what),
             _("finite means"), f"{actual.tolist()}",
             _("multiplying by the mask does not remove a step: inf * 0 and nan * 0 are nan. Select the real steps "
               "instead: x.masked_fill(~mask.unsqueeze(-1), 0) or torch.where(mask, x, 0)"))
    assert_close(actual, ref.masked_mean(x, mask), what)


# -- TextClassifier ----------------------------------------------------------------------------

# (vocab_size, embed_dim, hidden_size, num_classes, pad_idx)
CONFIGS = [(20, 4, 5, 3, 0), (13, 3, 4, 6, 2), (30, 6, 3, 2, 0)]
ATOL, RTOL = 1e-5, 1e-4
PADDING_HINT = N_("the padding steps reach the logits. Pool only over the real steps (masked_mean with "
                  "lengths_to_mask), and note that a bidirectional RNN's reverse direction reads the padding first "
                  "unless the batch is packed (nn.utils.rnn.pack_padded_sequence)")


def call(args):
    return f"TextClassifier{args}"


def make_model(impl, args):
    """The student's model in eval mode; with the reference's weights when its state_dict has the same layout."""
    model = impl.TextClassifier(*args)
    seed_torch(sum(args))
    reference = ref.TextClassifier(*args)
    try:
        mine = model.state_dict()
    except Exception:
        mine = None
    theirs = reference.state_dict()
    if isinstance(mine, dict) and list(mine) == list(theirs) and all(
            isinstance(mine[k], torch.Tensor) and mine[k].shape == v.shape for k, v in theirs.items()):
        model.load_state_dict(theirs)
    model.eval()
    return model


def token_batch(args, lengths, T, seed):
    """Random real tokens (never pad_idx) at the first lengths[b] steps, pad_idx after them."""
    vocab, pad = args[0], args[4]
    gen = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, vocab - 1, (len(lengths), T), generator=gen)
    tokens = tokens + (tokens >= pad).long()  # skip pad_idx
    mask = ref.lengths_to_mask(torch.tensor(lengths), T)
    return tokens.masked_fill(~mask, pad), torch.tensor(lengths)


def logits_of(model, args, tokens, lengths, what):
    out = model(tokens, lengths)
    if isinstance(out, (tuple, list)):
        fail(_("{what} should return the logits alone.").format(what=what),
             _("a tensor of shape ({batch}, {num_classes})").format(batch=tokens.shape[0], num_classes=args[3]),
             describe(out), _("forward returns self.head(...), the logits, and nothing else"))
    assert_tensor(out, what, (tokens.shape[0], args[3]))
    if not torch.isfinite(out).all():
        fail(_("{what} is not finite.").format(what=what), _("finite logits"), _("nan or inf"))
    return out


def compare(actual, expected, what, hint):
    try:
        assert_close(actual, expected, what, atol=ATOL, rtol=RTOL)
    except CheckFailure as exc:
        raise CheckFailure(f"{exc}\n  " + _(HINT).format(hint=hint)) from None


@pytest.mark.item("TextClassifier")
def test_text_classifier_logits_shape(impl):
    """TextClassifier(vocab_size, embed_dim, hidden_size, num_classes, pad_idx)(tokens, lengths) is (B, num_classes)."""
    for args in CONFIGS:
        model = make_model(impl, args)
        tokens, lengths = token_batch(args, [3, 1, 5, 2], 5, 1)
        logits_of(model, args, tokens, lengths,
                  _("{call}(tokens of shape (4, 5), lengths [3, 1, 5, 2])").format(call=call(args)))


@pytest.mark.item("TextClassifier")
def test_text_classifier_eval_is_deterministic(impl):
    """In eval mode the same batch twice gives the same logits (dropout is off)."""
    args = CONFIGS[0]
    model = make_model(impl, args)
    tokens, lengths = token_batch(args, [4, 2, 6], 6, 2)
    what = _("{call} in eval mode, the same batch (lengths [4, 2, 6]) twice").format(call=call(args))
    first = logits_of(model, args, tokens, lengths, what)
    second = logits_of(model, args, tokens, lengths, what)
    compare(second, first, what, _("in eval mode nothing is random: use nn.Dropout (a module, switched off by "
                                   "model.eval()), or F.dropout(..., training=self.training)"))


@pytest.mark.item("TextClassifier")
def test_text_classifier_padding_invariance(impl):
    """In eval mode, adding padding steps (pad_idx) to a batch never changes its logits."""
    for args in CONFIGS:
        model = make_model(impl, args)
        lengths = [5, 1, 3, 5, 2]
        tokens, lens = token_batch(args, lengths, 5, 3)
        base = logits_of(model, args, tokens, lens,
                         _("{call}(batch of lengths {lengths}, T=5)").format(call=call(args), lengths=lengths))
        for extra in (1, 4):
            padded = torch.cat([tokens, torch.full((len(lengths), extra), args[4])], dim=1)
            what = _("{call} logits (index = (row b, class)) after {extra} extra padding step(s), T={T}").format(
                call=call(args), extra=extra, T=5 + extra)
            compare(logits_of(model, args, padded, lens, what), base, what, _(PADDING_HINT))


@pytest.mark.item("TextClassifier")
def test_text_classifier_batch_independence(impl):
    """In eval mode a sequence's logits do not depend on the rest of its batch (alone, reordered, mixed)."""
    for args in CONFIGS:
        model = make_model(impl, args)
        lengths = [2, 6, 1, 4]
        tokens, lens = token_batch(args, lengths, 6, 4)
        batch = logits_of(model, args, tokens, lens,
                          _("{call}(batch of lengths {lengths})").format(call=call(args), lengths=lengths))
        for b, L in enumerate(lengths):
            what = _("{call} logits of sequence {b} (length {length}) alone, compared with inside the batch").format(
                call=call(args), b=b, length=L)
            alone = logits_of(model, args, tokens[b:b + 1, :L], lens[b:b + 1], what)
            compare(alone[0], batch[b], what, _(PADDING_HINT))
        order = torch.tensor([3, 0, 2, 1])
        what = _("{call} logits (index = (row, class)) of the batch in the order {order}").format(
            call=call(args), order=order.tolist())
        compare(logits_of(model, args, tokens[order], lens[order], what), batch[order], what,
                _("each row must be computed from its own tokens and length only"))


@pytest.mark.item("TextClassifier")
def test_text_classifier_lengths_one_and_full(impl):
    """TextClassifier handles a batch of length-1 sequences and a batch with no padding at all."""
    args = CONFIGS[1]
    model = make_model(impl, args)
    for lengths, T in (([1, 1, 1], 1), ([1, 1], 3), ([4, 4], 4)):
        tokens, lens = token_batch(args, lengths, T, 5)
        logits_of(model, args, tokens, lens, _("{call}(tokens of shape {shape}, lengths {lengths})").format(
            call=call(args), shape=tuple(tokens.shape), lengths=lengths))


@pytest.mark.item("TextClassifier")
def test_text_classifier_is_trainable(impl):
    """In train mode, gradients of the logits reach the model's parameters (embedding included)."""
    args = CONFIGS[0]
    model = impl.TextClassifier(*args)
    model.train()
    tokens, lengths = token_batch(args, [3, 5, 1], 5, 6)
    result = impl.call_with_grad(model, tokens, lengths, grad_output=torch.ones(3, args[3]))
    assert_tensor(result.output, _("{call}(tokens, lengths) in train mode").format(call=call(args)), (3, args[3]))
    grads = result.param_grads
    if not grads:
        fail(_("{call} has no parameters that receive gradients.").format(call=call(args)),
             _("nn.Parameters (e.g. nn.Embedding, nn.GRU, nn.Linear attributes) with gradients"), _("none"),
             _("build the layers in __init__ as attributes of self"))
    if not any(g.dim() == 2 and g.shape[0] == args[0] and float(g.abs().sum()) > 0 for g in grads.values()):
        fail(_("{call}: no (vocab_size, embed_dim) embedding table received a gradient.").format(call=call(args)),
             _("a parameter of shape ({vocab_size}, embed_dim) with a nonzero gradient").format(vocab_size=args[0]),
             _("gradients for {names}").format(names=sorted(grads)),
             _("embed the tokens with an nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx) attribute"))


# -- keras_lstm_to_torch -----------------------------------------------------------------------

LSTM_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
KERAS_GATES = ("i", "f", "c", "o")
KEYS_HINT = N_("return nn.LSTM's own parameter names, with the layer suffix _l0: weight_ih_l0, weight_hh_l0, "
               "bias_ih_l0, bias_hh_l0 (print(nn.LSTM(3, 2).state_dict().keys()) shows them)")
NOT_TRANSPOSED = N_("Keras computes x @ kernel, PyTorch x @ weight_ih_l0.T: weight_ih_l0 is kernel transposed "
                    "(kernel.T), and weight_hh_l0 is recurrent_kernel.T")
CONCATENATED = N_("do not concatenate kernel and recurrent_kernel: the single matrix W of W [h, x] in the diagrams is "
                  "two matrices in nn.LSTM, weight_ih_l0 = kernel.T for the input and weight_hh_l0 = "
                  "recurrent_kernel.T for the previous state")
RESHAPED = N_("reshape (or view) to (4 * hidden_size, ...) gives the right shape but does not transpose: it keeps the "
              "numbers in memory order and cuts them into new rows. Use kernel.T and recurrent_kernel.T")
BIAS_TWICE = N_("nn.LSTM adds bias_ih_l0 and bias_hh_l0, so the Keras bias in both counts twice: put it in "
                "bias_ih_l0 and zeros in bias_hh_l0")
KEEP_DTYPE = N_("return the dtype of the inputs: no .float(), .double() or dtype=... (torch.zeros_like(bias) makes "
                "zeros of bias's dtype)")
SQUARE_KERNEL = N_("when input_size == 4 * hidden_size the kernel is square, and its shape cannot tell Keras' layout "
                   "from PyTorch's: take the layout the function documents, do not guess it from the shape")


def gate_order_hint(order):
    """The hint for weights whose 4 gate blocks hold Keras' gates in ``order`` (a permutation of 0..3)."""
    return _("your blocks hold Keras' gates in the order {order}; Keras' order i, f, c, o already is PyTorch's i, f, "
             "g, o (c and g are the same candidate): keep the four blocks where they are").format(
        order=", ".join(KERAS_GATES[g] for g in order))


def keras_weights(seed, input_size, hidden_size, dtype=F64):
    """Random (kernel, recurrent_kernel, bias) in Keras' layout; every gate has its own nonzero bias."""
    kernel = random_tensor(seed, input_size, 4 * hidden_size, scale=0.5)
    recurrent_kernel = random_tensor(seed + 1, hidden_size, 4 * hidden_size, scale=0.5)
    bias = random_tensor(seed + 2, 4 * hidden_size, scale=0.5)
    return tuple(t.to(dtype) for t in (kernel, recurrent_kernel, bias))


def keras_call(weights):
    kernel, recurrent_kernel, bias = weights
    message = _("keras_lstm_to_torch(kernel {kernel}, recurrent_kernel {recurrent_kernel}, bias {bias}, all {dtype})")
    return message.format(
        kernel=tuple(kernel.shape), recurrent_kernel=tuple(recurrent_kernel.shape), bias=tuple(bias.shape),
        dtype=str(kernel.dtype).removeprefix("torch."))


def lstm_output(state_dict, x):
    """The output (T, B, hidden_size) of a float64 nn.LSTM that loads ``state_dict``, on x: (T, B, input_size)."""
    lstm = nn.LSTM(x.shape[-1], state_dict["weight_hh_l0"].shape[1], dtype=F64)
    lstm.load_state_dict({name: value.detach().to(F64) for name, value in state_dict.items()})
    with torch.no_grad():
        return lstm(x)[0]


def keras_mistakes(weights):
    """[(hint, state dict)] of the classic mistakes for these weights."""
    kernel, recurrent_kernel, bias = weights
    right = ref.keras_lstm_to_torch(*weights)
    H = recurrent_kernel.shape[0]
    reshaped = {"weight_ih_l0": kernel.reshape(4 * H, -1), "weight_hh_l0": recurrent_kernel.reshape(4 * H, H)}
    mistakes = [(_(RESHAPED), {**right, **reshaped}),
                (_(RESHAPED), {**right, "weight_ih_l0": reshaped["weight_ih_l0"]}),
                (_(RESHAPED), {**right, "weight_hh_l0": reshaped["weight_hh_l0"]}),
                (_(BIAS_TWICE), {**right, "bias_hh_l0": bias})]
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            mistakes.append((gate_order_hint(order),
                             {name: torch.cat([value.chunk(4)[g] for g in order]) for name, value in right.items()}))
    return mistakes


def shape_hint(name, shape, input_size, hidden_size):
    """Why a returned tensor may have this wrong shape."""
    transposed = {"weight_ih_l0": (input_size, 4 * hidden_size), "weight_hh_l0": (hidden_size, 4 * hidden_size)}
    if name == "weight_ih_l0" and shape in ((4 * hidden_size, input_size + hidden_size),
                                           (input_size + hidden_size, 4 * hidden_size)):
        return _(CONCATENATED)
    if shape == transposed.get(name):
        return _(NOT_TRANSPOSED)
    return _("nn.LSTM(input_size, hidden_size) has weight_ih_l0 (4 * hidden_size, input_size), weight_hh_l0 "
             "(4 * hidden_size, hidden_size) and two biases (4 * hidden_size,)")


def check_keras_conversion(impl, weights, x):
    """The student's state dict has nn.LSTM's keys, shapes and the inputs' dtype, and makes nn.LSTM compute what the
    reference's does on x: (T, B, input_size)."""
    kernel, recurrent_kernel = weights[:2]
    input_size, hidden_size = kernel.shape[0], recurrent_kernel.shape[0]
    what = keras_call(weights)
    square = _(SQUARE_KERNEL) if input_size == 4 * hidden_size else None
    result = calling(what, lambda: impl.keras_lstm_to_torch(*weights), square)
    if not isinstance(result, dict):
        fail(_("{what} should return a dict (a state dict for nn.LSTM).").format(what=what),
             _("a dict with the keys {keys}").format(keys=list(LSTM_KEYS)), describe(result), _(KEYS_HINT))
    if set(result) != set(LSTM_KEYS):
        fail(_("{what} returned a dict with the wrong keys.").format(what=what), sorted(LSTM_KEYS),
             sorted(map(str, result)), _(KEYS_HINT))
    expected = ref.keras_lstm_to_torch(*weights)
    for name in LSTM_KEYS:
        value, of = result[name], _("{name!r} of the dict returned by {what}").format(name=name, what=what)
        assert_tensor(value, of)
        if value.shape != expected[name].shape:
            fail(_("{what} has the wrong shape.").format(what=of),
                 _("shape {shape}").format(shape=tuple(expected[name].shape)),
                 _("shape {shape}").format(shape=tuple(value.shape)),
                 shape_hint(name, tuple(value.shape), input_size, hidden_size))
        if value.dtype != kernel.dtype:
            fail(_("{what} has the wrong dtype.").format(what=of), str(kernel.dtype).removeprefix("torch."),
                 str(value.dtype).removeprefix("torch."), _(KEEP_DTYPE))
    actual = lstm_output(result, x)
    reference = lstm_output(expected, x)
    what = _("the output (index = (step t, row b, unit j)) of nn.LSTM({input_size}, {hidden_size}) loaded with your "
             "state dict, on x of shape {shape}").format(input_size=input_size, hidden_size=hidden_size,
                                                          shape=tuple(x.shape))
    try:
        assert_close(actual, reference, what)
    except CheckFailure:
        hint = quietly(lambda: next((hint for hint, wrong in keras_mistakes(weights)
                                     if same_values(actual, lstm_output(wrong, x))), None))
        assert_close(actual, reference, what, mistakes={hint: actual} if hint else None)
        raise


@pytest.mark.item("keras_lstm_to_torch")
def test_keras_lstm_to_torch_worked_example(impl):
    """keras_lstm_to_torch ports a float64 Keras LSTM(2) on 3 inputs: nn.LSTM(3, 2) loads it and computes the same."""
    check_keras_conversion(impl, keras_weights(60, 3, 2), random_tensor(63, 4, 2, 3))


@pytest.mark.item("keras_lstm_to_torch", weight=3)
@given(input_size=st.integers(1, 9), hidden_size=st.integers(1, 4), seed=seeds())
@example(input_size=1, hidden_size=1, seed=0)
@example(input_size=8, hidden_size=2, seed=1)  # a square kernel
def test_keras_lstm_to_torch_any_sizes(impl, input_size, hidden_size, seed):
    """keras_lstm_to_torch works for any input_size and hidden_size, input_size == 4 * hidden_size included."""
    weights = keras_weights(seed, input_size, hidden_size)
    check_keras_conversion(impl, weights, random_tensor(seed + 3, 3, 2, input_size))


@pytest.mark.item("keras_lstm_to_torch")
def test_keras_lstm_to_torch_keeps_float32(impl):
    """keras_lstm_to_torch returns float32 tensors for float32 weights (Keras' own dtype)."""
    check_keras_conversion(impl, keras_weights(64, 5, 3, dtype=torch.float32), random_tensor(67, 3, 2, 5))


@pytest.mark.item("keras_lstm_to_torch")
def test_keras_lstm_to_torch_rejects_inconsistent_shapes(impl):
    """keras_lstm_to_torch raises ValueError when kernel, recurrent_kernel and bias do not fit one LSTM layer."""
    kernel, recurrent_kernel, bias = keras_weights(68, 3, 2)
    for case, args in [(_("recurrent_kernel (3, 12) for a kernel (3, 8)"), (kernel, random_tensor(71, 3, 12), bias)),
                       (_("recurrent_kernel transposed, (8, 2)"), (kernel, recurrent_kernel.T, bias)),
                       (_("a bias of 6 values for 4 * hidden_size = 8"), (kernel, recurrent_kernel, bias[:6])),
                       (_("a kernel (3, 6): 6 is not 4 * hidden_size"), (kernel[:, :6], recurrent_kernel, bias)),
                       (_("a 2-D bias (1, 8)"), (kernel, recurrent_kernel, bias[None]))]:
        expect_value_error(lambda: impl.keras_lstm_to_torch(*args),
                           _("keras_lstm_to_torch with {case}").format(case=case),
                           _("the task asks for it: find hidden_size from recurrent_kernel (or from kernel), compare "
                             "every shape with it and raise ValueError(...) when one does not fit"))


# -- the trained checkpoint --------------------------------------------------------------------

def _trained_classifier(impl):
    checkpoint = load_checkpoint(impl, CHECKPOINT, ("config", "vocab", "state_dict"), save_hint())
    tokens = checkpoint["vocab"]
    try:
        vocab = Vocab(tokens)
    except (TypeError, ValueError) as exc:
        fail(_("{file}: 'vocab' should be vocab.itos, the list of tokens the model was trained with.").format(
            file=CHECKPOINT), _("a list of distinct str starting with '<pad>', '<unk>'"),
             f"{describe(tokens)} ({exc})", save_hint())
    if checkpoint["config"].get("vocab_size") != len(vocab):
        fail(_("{file}: config['vocab_size'] should be the size of the saved vocabulary.").format(file=CHECKPOINT),
             len(vocab), checkpoint["config"].get("vocab_size"), save_hint())
    return model_from_checkpoint(impl, "TextClassifier", checkpoint, CHECKPOINT), vocab


@pytest.mark.item("checkpoint")
def test_checkpoint_loads_into_your_classifier(impl):
    """classifier.pt loads (weights only) into your TextClassifier built from its saved config"""
    _trained_classifier(impl)


@pytest.mark.item("checkpoint")
def test_checkpoint_reaches_the_test_accuracy(impl):
    """the trained classifier reaches the notebook's accuracy threshold on the TREC-6 test split"""
    model, vocab = _trained_classifier(impl)
    data = load_trec()
    seqs, labels = data.encode("test", vocab)
    correct = 0
    for start in range(0, len(seqs), 128):
        batch = seqs[start:start + 128]
        tokens, lengths = ref.pad_sequences(batch, pad_idx=vocab.pad_idx)
        logits = model(tokens, lengths)
        assert_tensor(logits, _("the trained TextClassifier's logits for {count} test questions").format(
            count=len(batch)), (len(batch), data.num_classes))
        correct += int((logits.argmax(dim=1) == torch.tensor(labels[start:start + 128])).sum())
    accuracy = correct / len(seqs)
    if accuracy < TEST_ACCURACY_THRESHOLD:
        fail(_("the trained classifier's accuracy on the {count} test questions is too low.").format(
            count=len(seqs)), f">= {TEST_ACCURACY_THRESHOLD:.2f}", f"{accuracy:.3f}",
             _("train it with the notebook's settings (all epochs) and save it after training; check that the "
               "model uses each sequence's true length"))


# -- the promises each item makes, the check that holds it to each, and a sample that breaks it alone -------------

CLAUSES = [
    Clause("pad_sequences", "returns (tokens, lengths) with lengths a LongTensor (B,)",
           "test_pad_sequences_worked_example", "pad_lengths_as_list"),
    Clause("pad_sequences", "tokens are a LongTensor (B, T_max)", "test_pad_sequences_worked_example",
           "pad_tokens_float"),
    Clause("pad_sequences", "padded on the right: tokens[b, :lengths[b]] == seqs[b]",
           "test_pad_sequences_worked_example", "pad_left"),
    Clause("pad_sequences", "the padding is pad_idx", "test_pad_sequences_random", "pad_ignores_pad_idx"),
    Clause("pad_sequences", "lengths[b] = len(seqs[b]), even when a sequence contains pad_idx",
           "test_pad_sequences_random", "pad_lengths_from_tokens"),
    Clause("lengths_to_mask", "returns a BoolTensor", "test_lengths_to_mask_worked_example", "mask_as_float"),
    Clause("lengths_to_mask", "True at exactly the first lengths[b] positions", "test_lengths_to_mask_worked_example",
           "mask_less_equal"),
    Clause("lengths_to_mask", "T = max_len when given", "test_lengths_to_mask_worked_example",
           "mask_ignores_max_len"),
    Clause("lengths_to_mask", "T = max(lengths) when max_len is None", "test_lengths_to_mask_random",
           "mask_none_uses_batch_size"),
    Clause("masked_mean", "the mean: divides by each row's number of True steps", "test_masked_mean_worked_example",
           "mean_returns_sum"),
    Clause("masked_mean", "padded steps (mask False) never contribute", "test_masked_mean_worked_example",
           "mean_includes_padding"),
    Clause("masked_mean", "any mask with a True per row, not only masks of lengths", "test_masked_mean_any_mask",
           "mean_assumes_prefix_mask"),
    Clause("masked_mean", "the result has the dtype of x", "test_masked_mean_worked_example", "mean_to_float32"),
    Clause("masked_mean", "float32 x gives float32, float64 x float64", "test_masked_mean_keeps_dtype",
           "mean_to_float64"),
    Clause("masked_mean", "padded steps never contribute, even if inf or nan", "test_masked_mean_ignores_inf_and_nan",
           "mean_multiplies_by_mask"),
    Clause("TextClassifier", "forward(tokens, lengths) returns logits (B, num_classes)",
           "test_text_classifier_logits_shape", "classifier_returns_pair"),
    Clause("TextClassifier", "in eval mode dropout is off: the same batch gives the same logits",
           "test_text_classifier_eval_is_deterministic", "classifier_dropout_in_eval"),
    Clause("TextClassifier", "in eval mode extra padding never changes the logits (packed bidirectional GRU)",
           "test_text_classifier_padding_invariance", "classifier_bigru_unpacked"),
    Clause("TextClassifier", "the padding steps never reach the logits (pooled over the real steps)",
           "test_text_classifier_padding_invariance", "classifier_last_step"),
    Clause("TextClassifier", "a sequence's logits do not depend on the rest of its batch",
           "test_text_classifier_batch_independence", "classifier_mean_over_unpacked"),
    Clause("TextClassifier", "trainable: gradients reach the embedding", "test_text_classifier_is_trainable",
           "classifier_frozen_embedding"),
    Clause("keras_lstm_to_torch", "returns a dict with nn.LSTM's keys weight_ih_l0, weight_hh_l0, bias_ih_l0, "
           "bias_hh_l0", "test_keras_lstm_to_torch_worked_example", "keras_keys_without_layer_suffix"),
    Clause("keras_lstm_to_torch", "nn.LSTM's shapes: weights transposed to (4 * hidden_size, input_size) and "
           "(4 * hidden_size, hidden_size)", "test_keras_lstm_to_torch_worked_example", "keras_not_transposed"),
    Clause("keras_lstm_to_torch", "kernel and recurrent_kernel stay two matrices (weight_ih_l0, weight_hh_l0), not "
           "one concatenated", "test_keras_lstm_to_torch_worked_example", "keras_concatenated_kernels"),
    Clause("keras_lstm_to_torch", "transposed, not reshaped: nn.LSTM computes what the Keras layer computes",
           "test_keras_lstm_to_torch_worked_example", "keras_reshaped_not_transposed"),
    Clause("keras_lstm_to_torch", "the one Keras bias counts once (bias_ih_l0 + bias_hh_l0 == bias)",
           "test_keras_lstm_to_torch_worked_example", "keras_bias_in_both"),
    Clause("keras_lstm_to_torch", "the gate blocks keep their order (Keras i, f, c, o is PyTorch's i, f, g, o)",
           "test_keras_lstm_to_torch_worked_example", "keras_gate_order_icfo"),
    Clause("keras_lstm_to_torch", "float64 weights give float64 tensors", "test_keras_lstm_to_torch_worked_example",
           "keras_forces_float32"),
    Clause("keras_lstm_to_torch", "any input_size and hidden_size, a square kernel (input_size == 4 * hidden_size) "
           "included", "test_keras_lstm_to_torch_any_sizes", "keras_guesses_layout_from_shape"),
    Clause("keras_lstm_to_torch", "float32 weights give float32 tensors", "test_keras_lstm_to_torch_keeps_float32",
           "keras_forces_float64"),
    Clause("keras_lstm_to_torch", "ValueError when the shapes do not fit one LSTM layer",
           "test_keras_lstm_to_torch_rejects_inconsistent_shapes", "keras_no_shape_checks"),
    Clause("checkpoint", "classifier.pt loads (weights only) into TextClassifier built from its saved config",
           "test_checkpoint_loads_into_your_classifier", None),
    Clause("checkpoint", "test accuracy at or above the notebook's threshold", "test_checkpoint_reaches_the_test_accuracy",
           None),
]
