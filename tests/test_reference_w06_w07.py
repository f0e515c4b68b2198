"""Fast tests of the week-6 and week-7 reference solutions (no full training here)."""
import pytest
import torch
import torch.nn.functional as F

from course_data import CharVocab
from solutions.w06_classifier import (TextClassifier, lengths_to_mask, masked_mean, pad_sequences,
                                      train_classifier)
from solutions.w07_language_model import (CharLM, generate, perplexity, sample_next, temperature_softmax,
                                          train_language_model)


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


# --- week 6 -------------------------------------------------------------------------------

def test_pad_sequences_by_hand():
    tokens, lengths = pad_sequences([[5, 6, 7], [8], [9, 10]])
    assert tokens.dtype == torch.long and lengths.dtype == torch.long
    assert tokens.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert lengths.tolist() == [3, 1, 2]
    tokens, _ = pad_sequences([[1], [2, 3]], pad_idx=4)
    assert tokens.tolist() == [[1, 4], [2, 3]]
    with pytest.raises(ValueError):
        pad_sequences([[1], []])
    with pytest.raises(ValueError):
        pad_sequences([])


def test_lengths_to_mask_by_hand():
    mask = lengths_to_mask(torch.tensor([2, 0, 3]))
    assert mask.dtype == torch.bool
    assert mask.tolist() == [[True, True, False], [False, False, False], [True, True, True]]
    assert lengths_to_mask(torch.tensor([1, 2]), max_len=4).tolist() == [[True, False, False, False],
                                                                          [True, True, False, False]]
    with pytest.raises(ValueError):
        lengths_to_mask(torch.tensor([3]), max_len=2)
    with pytest.raises(ValueError):
        lengths_to_mask(torch.tensor([[3]]))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_masked_mean_by_hand(dtype):
    x = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]],
                      [[5.0, 6.0], [float("nan"), float("inf")], [7.0, 8.0]]], dtype=dtype)
    mask = torch.tensor([[True, True, False], [True, False, True]])
    out = masked_mean(x, mask)
    assert out.dtype == dtype
    assert out.tolist() == [[2.0, 3.0], [6.0, 7.0]]
    with pytest.raises(ValueError):
        masked_mean(x, torch.tensor([[True, False, False], [False, False, False]]))
    with pytest.raises(ValueError):
        masked_mean(x[0], mask[0])


@pytest.fixture
def classifier():
    torch.manual_seed(0)
    return TextClassifier(vocab_size=30, embed_dim=8, hidden_size=6, num_classes=6).double().eval()


def test_text_classifier_shapes_and_padding_invariance(classifier):
    seqs = [[3, 4, 5, 6], [7, 8], [9]]
    tokens, lengths = pad_sequences(seqs)
    logits = classifier(tokens, lengths)
    assert logits.shape == (3, 6) and logits.dtype == torch.float64
    padded = torch.cat([tokens, torch.zeros(3, 5, dtype=torch.long)], dim=1)
    torch.testing.assert_close(classifier(padded, lengths), logits, rtol=0, atol=1e-12)
    garbage = padded.clone()
    garbage[:, 4:] = 29  # what sits beyond a sequence's length must not matter either
    torch.testing.assert_close(classifier(garbage, lengths), logits, rtol=0, atol=1e-12)


def test_text_classifier_batch_invariance(classifier):
    seqs = [[3, 4, 5, 6], [7, 8], [9], [10, 11, 12, 13, 14, 15, 16]]
    tokens, lengths = pad_sequences(seqs)
    batch = classifier(tokens, lengths)
    for i, seq in enumerate(seqs):
        alone = classifier(*pad_sequences([seq]))
        torch.testing.assert_close(alone[0], batch[i], rtol=0, atol=1e-10)
    reordered = classifier(*pad_sequences(seqs[::-1]))
    torch.testing.assert_close(reordered.flip(0), batch, rtol=0, atol=1e-10)


def test_text_classifier_rejects_bad_arguments(classifier):
    tokens, lengths = pad_sequences([[1, 2], [3]])
    with pytest.raises(ValueError):
        classifier(tokens[0], lengths)
    with pytest.raises(ValueError):
        classifier(tokens, torch.tensor([2, 3]))
    with pytest.raises(ValueError):
        TextClassifier(10, 4, 4, 6, pad_idx=10)


def test_train_classifier_runs_and_learns_a_toy_task():
    torch.manual_seed(0)
    # class = whether token 2 occurs; 64 short sequences
    g = torch.Generator().manual_seed(0)
    seqs = [torch.randint(3, 12, (int(n),), generator=g).tolist() for n in torch.randint(2, 6, (64,), generator=g)]
    labels = [i % 2 for i in range(64)]
    seqs = [s + [2] if y else s for s, y in zip(seqs, labels)]
    model = TextClassifier(12, 8, 8, 2)
    history = train_classifier(model, (seqs, labels), (seqs, labels), epochs=8, batch_size=16, lr=1e-2,
                               progress=False)
    assert set(history) >= {"train_loss", "train_acc", "valid_loss", "valid_acc"}
    assert len(history["train_loss"]) == len(history["valid_acc"]) == 8
    assert max(history["valid_acc"]) == 1.0
    assert not model.training


# --- week 7 -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(7,), (5, 7), (2, 3, 7)])
def test_perplexity_equals_exp_cross_entropy(shape):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(shape, generator=g, dtype=torch.float64) * 3
    targets = torch.randint(0, shape[-1], shape[:-1], generator=g)
    expected = torch.exp(F.cross_entropy(logits.reshape(-1, shape[-1]), targets.reshape(-1)))
    got = perplexity(logits, targets)
    assert got.dim() == 0 and got.dtype == torch.float64
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=0)


def test_perplexity_ignore_index():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(2, 4, 5, generator=g, dtype=torch.float64)
    targets = torch.randint(0, 5, (2, 4), generator=g)
    targets[0, 1] = -100
    targets[1, 3] = -100
    expected = torch.exp(F.cross_entropy(logits.reshape(-1, 5), targets.reshape(-1), ignore_index=-100))
    torch.testing.assert_close(perplexity(logits, targets), expected, rtol=1e-12, atol=0)
    targets[targets == -100] = 3
    targets[0, 0] = 7  # an out-of-range id used as ignore_index
    expected = torch.exp(F.cross_entropy(logits.reshape(-1, 5), targets.reshape(-1), ignore_index=7))
    torch.testing.assert_close(perplexity(logits, targets, ignore_index=7), expected, rtol=1e-12, atol=0)


def test_perplexity_is_finite_for_huge_logits():
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 9999.0]], dtype=torch.float32)
    targets = torch.tensor([0, 2])
    got = perplexity(logits, targets)
    expected = torch.exp(F.cross_entropy(logits.double(), targets))
    assert torch.isfinite(got) and got.dtype == torch.float32
    # float32 resolves 1e4 only to about 1e-3, so compare loosely here and exactly in float64
    torch.testing.assert_close(got.double(), expected, rtol=1e-3, atol=0)
    torch.testing.assert_close(perplexity(logits.double(), targets), expected, rtol=1e-12, atol=0)
    assert perplexity(torch.tensor([1e4, 0.0]), torch.tensor(0)).item() == 1.0


def test_perplexity_is_differentiable_and_rejects_bad_arguments():
    logits = torch.zeros(3, 4, requires_grad=True)
    value = perplexity(logits, torch.tensor([0, 1, 2]))
    assert value.item() == pytest.approx(4.0)
    value.backward()
    assert logits.grad is not None
    with pytest.raises(ValueError):
        perplexity(torch.zeros(3, 4), torch.tensor([0, 1]))
    with pytest.raises(ValueError):
        perplexity(torch.zeros(3, 4), torch.tensor([0, 1, 4]))
    with pytest.raises(ValueError):
        perplexity(torch.zeros(2, 4), torch.tensor([-100, -100]))


def test_temperature_softmax():
    logits = torch.randn(3, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    torch.testing.assert_close(temperature_softmax(logits, 1.0), torch.softmax(logits, dim=-1))
    torch.testing.assert_close(temperature_softmax(logits, 0.5), torch.softmax(2 * logits, dim=-1))
    for bad in (0, 0.0, -1.0, float("nan")):
        with pytest.raises(ValueError):
            temperature_softmax(logits, bad)


def test_sample_next_greedy_and_reproducible():
    logits = torch.tensor([[0.0, 3.0, 1.0], [5.0, -1.0, 4.9]])
    assert sample_next(logits, temperature=0).tolist() == [1, 0]
    assert sample_next(logits, temperature=0).dtype == torch.long
    with pytest.raises(ValueError):
        sample_next(logits, temperature=-0.5)
    with pytest.raises(ValueError):
        sample_next(logits[0])
    wide = torch.zeros(4, 50)
    a = sample_next(wide, 1.0, generator=torch.Generator().manual_seed(3))
    b = sample_next(wide, 1.0, generator=torch.Generator().manual_seed(3))
    assert a.shape == (4,) and a.dtype == torch.long and torch.equal(a, b)


def test_sample_next_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    sample_next(torch.zeros(8, 10), 1.0, generator=torch.Generator().manual_seed(0))
    assert torch.equal(torch.get_rng_state(), before)


def test_char_lm_shapes_and_state():
    torch.manual_seed(0)
    model = CharLM(vocab_size=11, embed_dim=5, hidden_size=7, num_layers=2)
    tokens = torch.randint(0, 11, (3, 4))
    logits, (h, c) = model(tokens)
    assert logits.shape == (3, 4, 11)
    assert h.shape == c.shape == (2, 3, 7)
    # running in two pieces with the carried state equals running at once
    first, state = model(tokens[:, :2])
    second, _ = model(tokens[:, 2:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), logits)
    with pytest.raises(ValueError):
        model(tokens[0])


def test_generate_reproducible():
    torch.manual_seed(0)
    vocab = CharVocab()
    model = CharLM(len(vocab), 8, 16)
    text_a = generate(model, vocab, "ROMEO:\n", 40, temperature=1.0, generator=torch.Generator().manual_seed(5))
    text_b = generate(model, vocab, "ROMEO:\n", 40, temperature=1.0, generator=torch.Generator().manual_seed(5))
    assert text_a == text_b
    assert text_a.startswith("ROMEO:\n") and len(text_a) == len("ROMEO:\n") + 40
    assert set(text_a) <= set(vocab.itos)
    greedy = generate(model, vocab, "a", 10, temperature=0)
    assert greedy == generate(model, vocab, "a", 10, temperature=0)
    assert generate(model, vocab, "abc", 0) == "abc"
    assert model.training  # put back in its previous mode
    with pytest.raises(ValueError):
        generate(model, vocab, "", 5)
    with pytest.raises(ValueError):
        generate(model, vocab, "caf\u00e9", 5)


def test_train_language_model_runs_on_a_tiny_corpus():
    torch.manual_seed(0)
    vocab = CharVocab()
    text = "to be or not to be, that is the question.\n" * 30
    ids = torch.tensor(vocab.encode(text))
    model = CharLM(len(vocab), 8, 32)
    history = train_language_model(model, ids, ids[:300], steps=60, batch_size=8, seq_len=16, lr=1e-2,
                                   eval_every=30, eval_streams=4, progress=False)
    assert history["step"] == [30, 60]
    assert len(history["valid_perplexity"]) == 2
    assert history["valid_perplexity"][-1] < 10.0 < len(vocab)
    assert not model.training
