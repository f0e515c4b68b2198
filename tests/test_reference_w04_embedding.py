"""The week-4 reference solutions agree with PyTorch's built-ins and follow the notebook layout."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.testing import assert_close

from reference_rules import aten_ops, assert_no_forbidden_ops, attributes_used, check_solution_layout
from solutions import w04_embedding as ref

ITEMS = ["Embedding", "embedding_backward", "char_ngrams", "fnv1a_32", "NgramEmbedding"]
# aten operators (substrings) whose appearance means a forbidden built-in ran, directly or indirectly.
FORBIDDEN_OPS = ("embedding",)
FORBIDDEN_ATTRS = {"Embedding", "EmbeddingBag", "embedding", "embedding_bag", "autograd", "backward", "grad"}

DTYPE = torch.float64


def fnv1a_bytes(data):
    """An independent FNV-1a over a byte sequence, for cross-checking."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) % 2**32
    return h


# --------------------------------------------------------------------------- layout


def test_module_layout_matches_notebook_rules():
    check_solution_layout(ref, ITEMS)


def test_no_forbidden_attributes_in_source():
    assert not attributes_used(ref) & FORBIDDEN_ATTRS, attributes_used(ref) & FORBIDDEN_ATTRS


def test_forbidden_op_detection_works():
    ops = aten_ops(lambda: nn.Embedding(4, 2)(torch.tensor([1, 2])))
    assert any("embedding" in op for op in ops)


def test_no_forbidden_ops_or_autograd_at_runtime():
    torch.manual_seed(0)
    emb = ref.Embedding(10, 3, padding_idx=0)
    idx = torch.tensor([[0, 1, 2], [2, 9, 0]])
    assert_no_forbidden_ops(lambda: emb(idx).sum().backward(), FORBIDDEN_OPS)
    grad_out = torch.randn(2, 3, 3)
    ops = aten_ops(lambda: ref.embedding_backward(idx, grad_out, 10, padding_idx=0))
    assert not [op for op in ops if "embedding" in op or "autograd" in op or "Backward" in op], sorted(ops)
    with torch.no_grad():  # autograd cannot be what computes it
        result = ref.embedding_backward(idx, grad_out, 10, padding_idx=0)
    assert not result.requires_grad
    ng = ref.NgramEmbedding(50, 4)
    assert_no_forbidden_ops(lambda: ng(["where", "кот"]).sum().backward(), FORBIDDEN_OPS)


# --------------------------------------------------------------------------- Embedding


@pytest.mark.parametrize("padding_idx", [None, 0, 3, -1])
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
def test_Embedding_matches_nn_embedding(padding_idx, shape):
    torch.manual_seed(1)
    theirs = nn.Embedding(8, 5, padding_idx=padding_idx).to(DTYPE)
    ours = ref.Embedding(8, 5, padding_idx=padding_idx).to(DTYPE)
    assert ours.padding_idx == theirs.padding_idx
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, v.shape) for k, v in theirs.state_dict().items()]
    ours.load_state_dict(theirs.state_dict())
    idx = torch.randint(0, 8, shape)
    if idx.dim() > 0:  # make sure padding and repeated indices occur
        idx.view(-1)[0] = theirs.padding_idx if padding_idx is not None else 1
        idx.view(-1)[-1] = idx.view(-1)[0]
    out_ours, out_theirs = ours(idx), theirs(idx)
    assert out_ours.shape == (*shape, 5)
    assert_close(out_ours, out_theirs)
    upstream = torch.randn_like(out_theirs)
    (out_ours * upstream).sum().backward()
    (out_theirs * upstream).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad)


def test_Embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    torch.manual_seed(2)
    ours = ref.Embedding(6, 4, padding_idx=2)
    assert (ours.weight[2] == 0).all() and (ours.weight[1] != 0).any()
    with torch.no_grad():  # even a non-zero padding row is read as is, but never trained
        ours.weight[2] = 1.0
    idx = torch.tensor([2, 2, 1, 2])
    out = ours(idx)
    assert_close(out[0], torch.ones(4))
    out.pow(2).sum().backward()
    assert (ours.weight.grad[2] == 0).all()
    assert (ours.weight.grad[1] != 0).all()


def test_Embedding_init_is_standard_normal_and_int32_indices_work():
    torch.manual_seed(3)
    ours = ref.Embedding(1000, 16)
    assert abs(ours.weight.mean().item()) < 0.05 and abs(ours.weight.std().item() - 1) < 0.05
    idx = torch.tensor([[1, 5]], dtype=torch.int32)
    assert_close(ours(idx), ours.weight[[1, 5]].unsqueeze(0))


# --------------------------------------------------------------------------- embedding_backward


@pytest.mark.parametrize("padding_idx", [None, 0, 4, -1])
@pytest.mark.parametrize("shape", [(), (7,), (3, 4), (2, 2, 3)])
def test_embedding_backward_matches_autograd(padding_idx, shape):
    torch.manual_seed(4)
    weight = torch.randn(6, 3, dtype=DTYPE, requires_grad=True)
    idx = torch.randint(0, 6, shape)
    if idx.dim() > 0:
        idx.view(-1)[-1] = idx.view(-1)[0]  # a repeated index
    grad_output = torch.randn(*shape, 3, dtype=DTYPE)
    (expected,) = torch.autograd.grad(F.embedding(idx, weight, padding_idx=padding_idx), weight, grad_output)
    ours = ref.embedding_backward(idx, grad_output, 6, padding_idx=padding_idx)
    assert ours.shape == (6, 3) and ours.dtype == DTYPE
    assert_close(ours, expected)


def test_embedding_backward_sums_repeats_and_zeroes_padding_by_hand():
    idx = torch.tensor([1, 1, 0, 3])
    grad_output = torch.tensor([[1.0, 2.0], [10.0, 20.0], [5.0, 5.0], [7.0, 8.0]], dtype=DTYPE)
    expected = torch.tensor([[5.0, 5.0], [11.0, 22.0], [0.0, 0.0], [7.0, 8.0]], dtype=DTYPE)
    assert_close(ref.embedding_backward(idx, grad_output, 4), expected)
    expected[0] = 0
    assert_close(ref.embedding_backward(idx, grad_output, 4, padding_idx=0), expected)


# --------------------------------------------------------------------------- char_ngrams


def test_char_ngrams_where():
    assert ref.char_ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    grams = ref.char_ngrams("where")  # n from 3 to 6
    assert len(grams) == 5 + 4 + 3 + 2
    assert grams[:5] == ["<wh", "whe", "her", "ere", "re>"]
    assert grams[5:9] == ["<whe", "wher", "here", "ere>"]
    assert grams[-2:] == ["<where", "where>"]


def test_char_ngrams_edge_cases():
    assert ref.char_ngrams("aaaa", 3, 3) == ["<aa", "aaa", "aaa", "aa>"]  # duplicates kept
    assert ref.char_ngrams("a", 4, 6) == []  # "<a>" is shorter than 4
    assert ref.char_ngrams("a", 3, 6) == ["<a>"]
    assert ref.char_ngrams("", 2, 2) == ["<>"]
    assert ref.char_ngrams("ab", 1, 2) == ["<", "a", "b", ">", "<a", "ab", "b>"]


def test_char_ngrams_counts_code_points_not_bytes():
    assert ref.char_ngrams("кот", 3, 3) == ["<ко", "кот", "от>"]
    assert ref.char_ngrams("кот") == ["<ко", "кот", "от>", "<кот", "кот>", "<кот>"]
    assert ref.char_ngrams("привет", 6, 6) == ["<приве", "привет", "ривет>"]
    assert ref.char_ngrams("日本", 3, 4) == ["<日本", "日本>", "<日本>"]


def test_char_ngrams_bad_n_raise_value_error():
    with pytest.raises(ValueError):
        ref.char_ngrams("word", 0, 3)
    with pytest.raises(ValueError):
        ref.char_ngrams("word", 4, 3)


# --------------------------------------------------------------------------- fnv1a_32

FNV_VECTORS = [
    ("", 2166136261), ("a", 0xE40C292C), ("b", 0xE70C2DE5), ("c", 0xE60C2C52), ("fo", 0x6222E842),
    ("foo", 0xA9F37ED7), ("foob", 0x3F5076EF), ("fooba", 0x39AAA18A), ("foobar", 0xBF9CF968),
]


@pytest.mark.parametrize("text,expected", FNV_VECTORS)
def test_fnv1a_32_known_vectors(text, expected):
    value = ref.fnv1a_32(text)
    assert type(value) is int and value == expected


@pytest.mark.parametrize("text", ["é", "кот", "<ко", "日本語", "naïve café", "🙂"])
def test_fnv1a_32_hashes_utf8_bytes(text):
    value = ref.fnv1a_32(text)
    assert value == fnv1a_bytes(text.encode("utf-8"))
    assert 0 <= value < 2**32


def test_fnv1a_32_is_not_over_code_points():
    # "é" is U+00E9 (one code point) but two UTF-8 bytes, C3 A9.
    assert ref.fnv1a_32("é") == fnv1a_bytes(b"\xc3\xa9") != fnv1a_bytes([0xE9])


# --------------------------------------------------------------------------- NgramEmbedding

WORDS = ["where", "here", "кот", "a", "naïve", "where"]


def bag_inputs(words, num_buckets, n_min, n_max):
    ids, offsets = [], []
    for word in words:
        offsets.append(len(ids))
        ids += [fnv1a_bytes(g.encode("utf-8")) % num_buckets for g in ref.char_ngrams(word, n_min, n_max)]
    return torch.tensor(ids), torch.tensor(offsets)


@pytest.mark.parametrize("n_min,n_max", [(3, 6), (2, 4), (3, 3)])
def test_NgramEmbedding_matches_embedding_bag_mean(n_min, n_max):
    torch.manual_seed(5)
    ours = ref.NgramEmbedding(37, 4, n_min=n_min, n_max=n_max).to(DTYPE)
    assert ours.weight.shape == (37, 4)
    theirs = nn.EmbeddingBag(37, 4, mode="mean").to(DTYPE)
    theirs.load_state_dict(ours.state_dict())
    ids, offsets = bag_inputs(WORDS, 37, n_min, n_max)
    out_ours = ours(WORDS)
    out_theirs = theirs(ids, offsets)
    assert out_ours.shape == (len(WORDS), 4)
    assert_close(out_ours, out_theirs)
    assert_close(out_ours, F.embedding_bag(ids, ours.weight, offsets, mode="mean"))
    upstream = torch.randn_like(out_theirs)
    (out_ours * upstream).sum().backward()
    (out_theirs * upstream).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad)


def test_NgramEmbedding_uses_its_own_n_range():
    torch.manual_seed(6)
    ours = ref.NgramEmbedding(1000, 3, n_min=2, n_max=2)
    rows = [ref.fnv1a_32(g) % 1000 for g in ["<a", "ab", "b>"]]
    assert_close(ours(["ab"])[0], ours.weight[rows].mean(dim=0))


def test_NgramEmbedding_bad_arguments_raise_value_error():
    ours = ref.NgramEmbedding(10, 3, n_min=5, n_max=6)
    with pytest.raises(ValueError):
        ours("where")  # a single string, not a list of words
    with pytest.raises(ValueError):
        ours(["a"])  # "<a>" has no 5- or 6-grams


# --------------------------------------------------------------------------- bad arguments


def test_bad_arguments_raise_value_error():
    emb = ref.Embedding(5, 2)
    with pytest.raises(ValueError):
        emb(torch.tensor([0.0, 1.0]))  # not integer indices
    with pytest.raises(ValueError):
        emb(torch.tensor([5]))  # out of range
    with pytest.raises(ValueError):
        ref.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError):
        ref.embedding_backward(torch.tensor([1, 2]), torch.randn(3, 2), 5)  # grad_output rows != indices
    with pytest.raises(ValueError):
        ref.embedding_backward(torch.tensor([[1, 2]]), torch.randn(2, 2), 5)  # rank mismatch
    with pytest.raises(ValueError):
        ref.embedding_backward(torch.tensor([1, 7]), torch.randn(2, 2), 5)  # index out of range
