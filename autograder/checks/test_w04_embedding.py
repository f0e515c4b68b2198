"""Hidden checks of week 4: the Embedding layer, its gradient, character n-grams, FNV-1a and hashed n-gram
embeddings."""
import math

import pytest
import torch
import torch.nn as nn
from hypothesis import example, given
from hypothesis import strategies as st

import solutions.w04_embedding as ref
from autograder.checks.clauses import Clause
from autograder.sandbox.randomness import seed_torch
from autograder.checks.helpers import (expect_value_error, CheckFailure, F64, assert_close, assert_close_explained, assert_tensor,
                                       check_state_dict_layout,
                                       describe, fail, quietly, random_tensor, seeds)
from autograder.checks.helpers import calling
from autograder.messages import N_, _

WEEK = "w04_embedding"
# Patterns match torch functions by __name__: "torch.embedding*" catches torch.embedding, torch.embedding_bag and
# F.embedding's own dispatch; "torch.nn.Embedding*" catches nn.Embedding, nn.EmbeddingBag and their subclasses.
_EMBEDDING = ["torch.nn.Embedding*", "torch.nn.functional.embedding*", "torch.embedding*"]
# Tensor.backward() ends in torch.autograd.backward; torch.autograd.functional and torch.func reach torch.autograd.grad.
_AUTOGRAD = ["torch.autograd.grad", "torch.autograd.backward"]
FORBIDDEN = {
    "Embedding": _EMBEDDING,
    "embedding_backward": _EMBEDDING + _AUTOGRAD,
    "char_ngrams": [],
    "fnv1a_32": [],
    "NgramEmbedding": ["torch.nn.EmbeddingBag", "torch.nn.functional.embedding_bag", "torch.embedding_bag"],
}
# Each item is graded on its own: while NgramEmbedding is checked, the n-grams and the hash are the reference's.
BUILDS_ON = {"NgramEmbedding": ["char_ngrams", "fnv1a_32"]}

OFFSET, PRIME, MASK = 2166136261, 16777619, 0xFFFFFFFF
# Words with characters beyond ASCII: 2-byte (Cyrillic, Latin-1), 3-byte (CJK) and 4-byte (emoji) UTF-8.
UNICODE_WORDS = ["привет", "Ёжик", "naïve", "Straße", "日本語", "ok😀", "e\u0301te", "съешь"]
WORD_ALPHABET = "abcаяЖé日😀<>"  # the markers themselves may occur inside a word: they are ordinary characters


# -- structure of results --------------------------------------------------------------------

EMBEDDING_LAYOUT = N_("store the table as one nn.Parameter named weight (self.weight = nn.Parameter(...))")


def check_param_grad(got, name, what, expected=None):
    """The gradient of parameter ``name``; None (no gradient at all) counts as zeros where zeros are expected."""
    if name not in got.param_grads and expected is not None and not expected.any():
        return torch.zeros_like(expected)
    if name not in got.param_grads:
        fail(_("{what}.{name} received no gradient.").format(what=what, name=name),
             _("a gradient for {name}").format(name=name), sorted(got.param_grads) or _("none"),
             _("store the table as an nn.Parameter and index it directly in forward (no copies, .detach() or .data)"))
    return got.param_grads[name]


def with_where(check, where):
    """Run ``check()``; if it fails, add ``where`` (a line saying which part of the input is involved)."""
    try:
        check()
    except CheckFailure as exc:
        lines = str(exc).splitlines()
        raise CheckFailure("\n".join(lines[:1] + ["  " + _("where: {where}").format(where=where)] + lines[1:])) \
            from None


def check_dtype(value, dtype, what, hint):
    """``value`` is a tensor of ``dtype`` (the values are compared elsewhere)."""
    if isinstance(value, torch.Tensor) and value.dtype != dtype:
        fail(_("{what} has the wrong dtype.").format(what=what), str(dtype).removeprefix("torch."),
             str(value.dtype).removeprefix("torch."), hint)


def check_standard_normal(weight, what, hint):
    """A freshly initialised table (thousands of entries) looks like N(0, 1): mean near 0, standard deviation
    near 1 (the sample statistics of N(0, 1) are within 0.03 of these at this size)."""
    values = weight.detach().to(F64).flatten()
    mean, std = float(values.mean()), float(values.std())
    if abs(mean) > 0.1 or abs(std - 1) > 0.1:
        fail(_("The weight of a new {what} does not look drawn from N(0, 1) ({count} entries).").format(
                 what=what, count=values.numel()),
             _("mean about 0 and standard deviation about 1"),
             _("mean {mean:.3g}, standard deviation {std:.3g}").format(mean=mean, std=std), hint)


# -- Embedding and embedding_backward -------------------------------------------------------

@st.composite
def lookups(draw, padding=None, max_dims=3):
    """(V, D, padding_idx, indices): indices a LongTensor of 0 to max_dims dims, with repeats likely.

    padding: None draws with or without a padding index; False never has one; True always has one, and it then
    occurs in indices.
    """
    V, D = draw(st.integers(1, 7)), draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=max_dims)))
    flat = draw(st.lists(st.integers(0, V - 1), min_size=math.prod(shape), max_size=math.prod(shape)))
    indices = torch.tensor(flat, dtype=torch.long).reshape(shape)
    padding_idx = draw(st.integers(0, V - 1)) if padding or (padding is None and draw(st.booleans())) else None
    if padding and indices.numel() > 1:
        indices.view(-1)[draw(st.integers(0, indices.numel() - 1))] = padding_idx
    elif padding:
        indices.fill_(padding_idx)
    return V, D, padding_idx, indices


def reference_embedding(V, D, padding_idx, seed, dtype=F64):
    seed_torch(seed)
    return nn.Embedding(V, D, padding_idx=padding_idx).to(dtype)


def check_embedding_shape(out, indices, D, what):
    assert_tensor(out, what)
    expected = (*indices.shape, D)
    if tuple(out.shape) != expected:
        hint = _("the result keeps the shape of indices and adds the embedding dimension: (*indices.shape, D)")
        if tuple(out.shape) == (indices.numel(), D):
            hint = _("reshape the looked-up rows back to (*indices.shape, D) = {shape}").format(shape=expected)
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=expected),
             _("shape {shape}").format(shape=tuple(out.shape)), hint)


def expected_weight_grad(weight, indices, grad_output, padding_idx):
    """What autograd gives nn.Embedding's weight for this grad_output."""
    module = nn.Embedding(*weight.shape, padding_idx=padding_idx).to(weight.dtype)
    with torch.no_grad():
        module.weight.copy_(weight)
    module(indices).backward(grad_output)
    return module.weight.grad


def describe_row(indices, padding_idx, row):
    count = int((indices == row).sum())
    if padding_idx is not None and row == padding_idx:
        text = (_("row {row} of the gradient; index {row} occurs {count} time in indices and is padding_idx")
                if count == 1 else
                _("row {row} of the gradient; index {row} occurs {count} times in indices and is padding_idx"))
    else:
        text = (_("row {row} of the gradient; index {row} occurs {count} time in indices") if count == 1 else
                _("row {row} of the gradient; index {row} occurs {count} times in indices"))
    return text.format(row=row, count=count)


def worst_row(actual, expected):
    if not isinstance(actual, torch.Tensor) or actual.shape != expected.shape or actual.numel() == 0:
        return None
    diff = (actual.detach().to(F64) - expected.to(F64)).abs().nan_to_num(nan=float("inf"))
    return int(diff.amax(dim=1).argmax())


def assert_weight_grad_close(actual, expected, indices, padding_idx, what, mistakes=None, **tolerances):
    row = worst_row(actual, expected)

    def check():
        assert_close_explained(actual, expected, what, mistakes or (lambda: {}), **tolerances)

    if row is None:
        check()
    else:
        with_where(check, describe_row(indices, padding_idx, row))


def backward_mistakes(indices, grad_output, V, padding_idx):
    """{hint: the gradient a classic mistake computes}."""
    D = grad_output.shape[-1]
    flat, rows = indices.reshape(-1), grad_output.reshape(-1, D)
    summed = torch.zeros(V, D, dtype=grad_output.dtype).index_add_(0, flat, rows)
    assigned = torch.zeros(V, D, dtype=grad_output.dtype)
    for k in range(len(flat)):  # assignment: the last occurrence of an index wins
        assigned[flat[k]] = rows[k]
    counts = torch.bincount(flat, minlength=V).clamp(min=1).to(grad_output.dtype)[:, None]
    mistakes = {}

    def padded(g):
        g = g.clone()
        if padding_idx is not None:
            g[padding_idx] = 0
        return g

    if padding_idx == 0:
        mistakes[_("padding_idx=0 is a real padding index: test `padding_idx is not None`, not `if padding_idx:`")] \
            = summed
    if padding_idx is not None:
        mistakes[_("zero the padding_idx row ({padding_idx}) of the gradient: padding never learns").format(
            padding_idx=padding_idx)] = summed
    mistakes[_("repeated indices must ADD their gradients (index_add_ or +=); assigning grad[indices] = ... keeps "
               "only one of them")] = padded(assigned)
    mistakes[_("sum the gradients of repeated indices, do not average them")] = padded(summed / counts)
    return mistakes


@pytest.mark.item("Embedding")
@given(lookups(), seeds())
def test_embedding_parameters_like_nn_embedding(impl, lookup, seed):
    """Embedding(V, D, padding_idx) has one parameter, weight (V, D), and its padding_idx row starts at zero."""
    V, D, padding_idx, _indices = lookup
    seed_torch(seed)
    module = impl.Embedding(V, D, padding_idx=padding_idx)
    what = f"Embedding({V}, {D}, padding_idx={padding_idx})"
    reference = nn.Embedding(V, D, padding_idx=padding_idx)
    weight = check_state_dict_layout(module, reference, what, _(EMBEDDING_LAYOUT))["weight"]
    if padding_idx is not None and not torch.equal(weight[padding_idx], torch.zeros_like(weight[padding_idx])):
        hint = _("after initialising the weight, set row padding_idx to zero (under torch.no_grad())")
        if padding_idx == 0 and quietly(lambda: padding_row_zeroed(impl, 2)):
            hint = _("padding_idx=0 is a real padding index: test `padding_idx is not None`, not `if padding_idx:`")
        fail(_("The padding row of a new {what} is not zero.").format(what=what),
             _("weight[{padding_idx}] all zeros").format(padding_idx=padding_idx),
             f"{weight[padding_idx].tolist()}", hint)


def padding_row_zeroed(impl, padding_idx):
    """Whether a new Embedding(4, 3, padding_idx) of the student's starts with a zero padding row."""
    weight = impl.Embedding(4, 3, padding_idx=padding_idx).state_dict()["weight"]
    return bool((weight[padding_idx] == 0).all())


@pytest.mark.item("Embedding", weight=3)
@given(lookups(), seeds())
@example((5, 3, 0, torch.tensor([[1, 0, 4], [4, 2, 0]])), 0)
@example((4, 2, None, torch.tensor(3)), 0)
def test_embedding_matches_nn_embedding(impl, lookup, seed):
    """Embedding(V, D, padding_idx)(indices) equals nn.Embedding with the same weight, for indices of any shape."""
    V, D, padding_idx, indices = lookup
    reference = reference_embedding(V, D, padding_idx, seed)
    module = impl.Embedding(V, D, padding_idx=padding_idx)
    module.load_state_dict(reference.state_dict())
    module.double()
    what = _("{module} on indices of shape {shape}").format(
        module=f"Embedding({V}, {D}, padding_idx={padding_idx})", shape=tuple(indices.shape))
    out = calling(what, lambda: module(indices), translated(ANY_SHAPE))
    check_embedding_shape(out, indices, D, what)
    assert_close(out, reference(indices), what)


@pytest.mark.item("Embedding")
@given(lookups(), seeds())
def test_embedding_float32(impl, lookup, seed):
    """Embedding works in float32, PyTorch's default dtype."""
    V, D, padding_idx, indices = lookup
    reference = reference_embedding(V, D, padding_idx, seed, dtype=torch.float32)
    module = impl.Embedding(V, D, padding_idx=padding_idx)
    module.load_state_dict(reference.state_dict())
    what = _("{module} in float32 on indices of shape {shape}").format(
        module=f"Embedding({V}, {D}, padding_idx={padding_idx})", shape=tuple(indices.shape))
    out = module(indices)
    check_embedding_shape(out, indices, D, what)
    check_dtype(out, torch.float32, what, _("the looked-up rows keep the weight's dtype: do not create float64 "
                                            "tensors (masks, buffers) that promote the result"))
    assert_close(out, reference(indices), what, atol=1e-6, rtol=1e-6)


@pytest.mark.item("Embedding", weight=2)
@given(lookups(padding=False), seeds())
@example((3, 2, None, torch.tensor([[2, 0, 2], [2, 1, 0]])), 0)
def test_embedding_gradient_sums_repeated_indices(impl, lookup, seed):
    """Without padding, Embedding.weight gets nn.Embedding's gradient: repeated indices add up, unused rows get zero."""
    V, D, padding_idx, indices = lookup
    reference = reference_embedding(V, D, padding_idx, seed)
    module = impl.Embedding(V, D, padding_idx=padding_idx)
    module.load_state_dict(reference.state_dict())
    module.double()
    grad_output = random_tensor(seed + 1, *indices.shape, D)
    got = impl.call_with_grad(module, indices, grad_output=grad_output)
    reference(indices).backward(grad_output)
    what = _("the gradient of {module}.weight for indices of shape {shape}").format(
        module=f"Embedding({V}, {D}, padding_idx={padding_idx})", shape=tuple(indices.shape))
    grad = check_param_grad(got, "weight", f"Embedding({V}, {D}, padding_idx={padding_idx})", reference.weight.grad)
    assert_weight_grad_close(grad, reference.weight.grad, indices, padding_idx, what)


@pytest.mark.item("Embedding", weight=2)
@given(lookups(padding=True), seeds())
@example((4, 3, 0, torch.tensor([[0, 2, 0], [1, 0, 2]])), 0)
def test_embedding_padding_row_gets_no_gradient(impl, lookup, seed):
    """The padding_idx row of Embedding.weight gets a gradient of exactly zero, even where indices are padding."""
    V, D, padding_idx, indices = lookup
    reference = reference_embedding(V, D, padding_idx, seed)
    module = impl.Embedding(V, D, padding_idx=padding_idx)
    module.load_state_dict(reference.state_dict())
    module.double()
    grad_output = random_tensor(seed + 1, *indices.shape, D)
    got = impl.call_with_grad(module, indices, grad_output=grad_output)
    reference(indices).backward(grad_output)
    name = f"Embedding({V}, {D}, padding_idx={padding_idx})"
    grad = check_param_grad(got, "weight", name, reference.weight.grad)
    assert_tensor(grad, _("the gradient of {name}.weight").format(name=name), (V, D))
    count = int((indices == padding_idx).sum())
    if not torch.equal(grad[padding_idx].to(F64), torch.zeros(D, dtype=F64)):
        fail(_("The padding row is still learning: row {row} (padding_idx) of the gradient of {name}.weight "
               "is not zero (indices of shape {shape}, {count} of them padding).").format(
                 row=padding_idx, name=name, shape=tuple(indices.shape), count=count),
             _("exactly zero"), f"{grad[padding_idx].tolist()}",
             _("padding positions must not pass a gradient to weight[padding_idx]: setting the row to zero once is "
               "not enough (read padding positions through a detached copy, or multiply them by a 0/1 mask)"))
    assert_weight_grad_close(grad, reference.weight.grad, indices, padding_idx,
                             _("the gradient of {name}.weight").format(name=name))


@pytest.mark.item("Embedding")
def test_embedding_initialised_from_standard_normal(impl):
    """A new Embedding's weight is drawn from N(0, 1), as nn.Embedding's is."""
    what = "Embedding(2000, 8)"
    weight = check_state_dict_layout(impl.Embedding(2000, 8), nn.Embedding(2000, 8), what,
                                     _(EMBEDDING_LAYOUT))["weight"]
    check_standard_normal(weight, what, _("initialise the table like nn.Embedding: nn.init.normal_(self.weight) "
                                          "(or torch.randn), mean 0 and standard deviation 1"))


@pytest.mark.item("Embedding")
def test_embedding_rejects_out_of_range_indices(impl):
    """Embedding raises ValueError for indices outside [0, num_embeddings), negative ones too."""
    module = impl.Embedding(5, 3, padding_idx=0)
    for bad in ([[1, 5, 2]], [3, -1]):
        indices = torch.tensor(bad)
        expect_value_error(lambda: module(indices), f"Embedding(5, 3, padding_idx=0)(torch.tensor({bad}))",
                           _("check that every index is in [0, num_embeddings) and raise ValueError otherwise: "
                             "plain indexing fails with IndexError for 5 and silently wraps -1 to the last row"))


# {text in the error message: hint}; the hints are translated where used: translated(ANY_SHAPE)
ANY_SHAPE = {
    "iteration over a 0-d tensor": N_("indices may be a 0-d tensor (a single index): look the rows up with "
                                      "weight[indices], which works for indices of any shape"),
    "values to unpack": N_("indices may have any shape (0-d, 1-D, 3-D, ...): work on indices.reshape(-1) and "
                           "grad_output.reshape(-1, D) instead of unpacking (batch, time)"),
    "Index is supposed to be a vector": N_("indices may have any shape, but index_select and index_add_ take a 1-D "
                                           "index: flatten it with indices.reshape(-1) (and reshape the result "
                                           "back)"),
}
FLOAT32_BAG = N_("a float32 table needs float32 helpers: build counts, masks or bag matrices with "
                 "dtype=self.weight.dtype, not float64")


def translated(hints):
    """{text in the error message: hint} with each hint in the current language."""
    return {text: _(hint) for text, hint in hints.items()}


BACKWARD_DTYPE = N_("the gradient has grad_output's dtype: create the zeros with grad_output.new_zeros(...) or "
                    "dtype=grad_output.dtype (torch.zeros(V, D) alone is float32)")


@pytest.mark.item("embedding_backward", weight=3)
@given(lookups(), seeds())
@example((3, 2, None, torch.tensor([[2, 0, 2], [2, 1, 2]])), 0)
@example((5, 3, 2, torch.tensor([[[2, 4], [1, 2]], [[0, 2], [4, 4]]])), 3)
@example((4, 2, 0, torch.tensor([0, 3, 0, 3])), 1)
@example((4, 3, 2, torch.tensor(2)), 2)
def test_embedding_backward_matches_autograd(impl, lookup, seed):
    """embedding_backward equals autograd's gradient of nn.Embedding's weight: repeated indices add up, padding zero."""
    V, D, padding_idx, indices = lookup
    weight = random_tensor(seed, V, D)
    grad_output = random_tensor(seed + 1, *indices.shape, D)
    expected = expected_weight_grad(weight, indices, grad_output, padding_idx)
    what = _("{call} for indices of shape {shape}").format(
        call=f"embedding_backward(indices, grad_output, {V}, padding_idx={padding_idx})", shape=tuple(indices.shape))
    grad = calling(what, lambda: impl.embedding_backward(indices, grad_output, V, padding_idx),
                   translated(ANY_SHAPE))
    assert_tensor(grad, what)
    if tuple(grad.shape) != (V, D):
        hint = _("the gradient of the weight has the weight's shape: (num_embeddings, D), one row per embedding")
        if tuple(grad.shape) == (D, V) and D != V:
            hint = _("your gradient is transposed: it has the weight's shape (num_embeddings, D), one row per index")
        elif grad.dim() == 2 and grad.shape[1] == D and grad.shape[0] < V:
            hint = _("the gradient of the weight has the weight's shape: a row for EVERY embedding, num_embeddings "
                     "of them (rows never looked up get zeros), not only up to the largest index used")
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=(V, D)),
             _("shape {shape}").format(shape=tuple(grad.shape)), hint)
    check_dtype(grad, F64, _("{what} with float64 grad_output").format(what=what), _(BACKWARD_DTYPE))
    assert_weight_grad_close(grad, expected, indices, padding_idx, what,
                             lambda: backward_mistakes(indices, grad_output, V, padding_idx))


@pytest.mark.item("embedding_backward")
@given(lookups(padding=True), seeds())
def test_embedding_backward_padding_row_exactly_zero(impl, lookup, seed):
    """embedding_backward leaves the padding_idx row exactly zero, even when padding occurs in indices."""
    V, D, padding_idx, indices = lookup
    grad_output = random_tensor(seed, *indices.shape, D)
    grad = impl.embedding_backward(indices, grad_output, V, padding_idx)
    what = _("{call} for indices of shape {shape}").format(
        call=f"embedding_backward(indices, grad_output, {V}, padding_idx={padding_idx})", shape=tuple(indices.shape))
    assert_tensor(grad, what, (V, D))
    if not torch.equal(grad[padding_idx].to(F64), torch.zeros(D, dtype=F64)):
        fail(_("Row {row} (padding_idx) of {what} is not zero.").format(row=padding_idx, what=what),
             _("exactly zero"), f"{grad[padding_idx].tolist()}",
             _("padding_idx={padding_idx} is a real padding index: zero its row after accumulating "
               "(test `padding_idx is not None`, not `if padding_idx:`)").format(padding_idx=padding_idx)
             if padding_idx == 0 else _("zero the padding_idx row after accumulating the gradients"))


@pytest.mark.item("embedding_backward")
@given(lookups(), seeds())
def test_embedding_backward_float32(impl, lookup, seed):
    """embedding_backward works for float32 gradients."""
    V, D, padding_idx, indices = lookup
    grad_output = random_tensor(seed, *indices.shape, D)
    expected = expected_weight_grad(torch.zeros(V, D, dtype=F64), indices, grad_output, padding_idx)
    what = _("embedding_backward with float32 grad_output, num_embeddings={V}, padding_idx={padding_idx}").format(
        V=V, padding_idx=padding_idx)
    grad = impl.embedding_backward(indices, grad_output.float(), V, padding_idx)
    assert_tensor(grad, what, (V, D))
    check_dtype(grad, torch.float32, what, _(BACKWARD_DTYPE))
    assert_weight_grad_close(grad, expected, indices, padding_idx, what, atol=1e-5, rtol=1e-5)


@pytest.mark.item("embedding_backward")
def test_embedding_backward_rejects_mismatched_grad_output(impl):
    """embedding_backward raises ValueError when grad_output is not (*indices.shape, D)."""
    indices = torch.tensor([[0, 2, 2], [1, 0, 3]])
    for shape in [(3, 2, 4), (6, 4), (2, 3)]:
        grad_output = random_tensor(0, *shape)
        expect_value_error(lambda: impl.embedding_backward(indices, grad_output, 5),
                           _("embedding_backward(indices of shape (2, 3), grad_output of shape {shape}, 5)").format(
                               shape=shape),
                           _("compare grad_output.shape[:-1] with indices.shape (and grad_output.dim() with "
                             "indices.dim() + 1) and raise ValueError: a reshape would silently pair positions with "
                             "the wrong gradients"))


# -- char_ngrams -----------------------------------------------------------------------------

def _grams(text, ns, by_position=False, drop_last=False):
    stop = (lambda n: len(text) - n) if drop_last else (lambda n: len(text) - n + 1)
    if by_position:
        return [text[i:i + n] for i in range(len(text)) for n in ns if i < stop(n)]
    return [text[i:i + n] for n in ns for i in range(max(stop(n), 0))]


def ngram_mistakes(word, n_min, n_max):
    """{hint: the list a classic mistake returns}."""
    wrapped = "<" + word + ">"
    ns = range(n_min, n_max + 1)
    right = _grams(wrapped, ns)
    mistakes = {}
    if len(wrapped) < n_min:
        mistakes[_("an n longer than the wrapped word gives no n-gram, so the list may be empty: do not fall back "
                   "to the whole wrapped word")] = [wrapped]
    mistakes |= {
        _("wrap the word in the boundary markers first: '<' + word + '>'"): _grams(word, ns),
        _("n goes from n_min to n_max INCLUSIVE: range(n_min, n_max + 1)"): _grams(wrapped, range(n_min, n_max)),
        _("include n = n_min: n goes from n_min to n_max inclusive"): _grams(wrapped, range(n_min + 1, n_max + 1)),
        _("the last n-gram of each n ends with '>': use both markers ('<' + word + '>'), and the last n-gram starts "
          "at position len(wrapped) - n: range(len(wrapped) - n + 1)"): _grams(wrapped, ns, drop_last=True),
        _("order by n first (all n_min-grams, then the (n_min+1)-grams, ...), then by position"):
            _grams(wrapped, ns, by_position=True),
        _("keep duplicates, in order of occurrence: do not use a set"): list(dict.fromkeys(right)),
        _("keep the order (by n, then by position): do not sort the n-grams"): sorted(right),
        _("only n-grams of lengths n_min..n_max: do not add the whole wrapped word"): right + [wrapped],
        _("an n-gram is n characters (code points) of the str: count positions with len(wrapped), not in UTF-8 "
          "bytes"): [wrapped[i:i + n] for n in ns for i in range(len(wrapped.encode("utf-8")) - n + 1)],
    }
    mistakes.setdefault(_("keep duplicates: do not use a set"), sorted(set(right)))
    return mistakes


def check_ngram_list(result, expected, call, mistakes=None):
    if not isinstance(result, list):
        fail(_("{call} should return a list of strings.").format(call=call), _("a list"), describe(result),
             _("build the n-grams in a list (a tuple, set or generator is not a list)"))
    for k, gram in enumerate(result):
        if not isinstance(gram, str):
            hint = (_("n-grams are strings of characters (code points): slice the str, not its UTF-8 bytes")
                    if isinstance(gram, bytes) else _("each n-gram is a str, a slice of '<' + word + '>'"))
            fail(_("Item {k} of {call} is not a string.").format(k=k, call=call), _("a str"), describe(gram), hint)
    if result == expected:
        return
    hint = None
    for mistake_hint, wrong in (mistakes() if mistakes else {}).items():
        if result == wrong and wrong != expected:
            hint = mistake_hint
            break
    k = next((i for i, (a, b) in enumerate(zip(result, expected)) if a != b), min(len(result), len(expected)))
    if k < min(len(result), len(expected)):
        at = _("item {k}: expected {expected!r}, received {received!r}").format(
            k=k, expected=expected[k], received=result[k])
    elif k < len(expected):
        at = _("item {k}: expected {expected!r}, but the list ends there").format(k=k, expected=expected[k])
    else:
        at = _("item {k}: received {received!r}, but the list should end there").format(k=k, received=result[k])
    fail(_("{call} is wrong ({expected} n-grams expected, {received} received); first difference at {at}.").format(
             call=call, expected=len(expected), received=len(result), at=at),
         _short(expected), _short(result), hint)


def _short(grams, limit=24):
    if len(grams) <= limit:
        return repr(grams)
    return repr(grams[:limit])[:-1] + ", " + _("... ({count} more)").format(count=len(grams) - limit) + "]"


@pytest.mark.item("char_ngrams")
def test_char_ngrams_worked_example(impl):
    """char_ngrams('where') gives fastText's 3- to 6-grams of '<where>': by n, then by position."""
    check_ngram_list(impl.char_ngrams("where"), ref.char_ngrams("where"), "char_ngrams('where')",
                     lambda: ngram_mistakes("where", 3, 6))


@pytest.mark.item("char_ngrams")
def test_char_ngrams_unicode_code_points(impl):
    """char_ngrams counts Unicode code points: Cyrillic, accented, CJK and emoji words (default n 3 to 6)."""
    for word in UNICODE_WORDS:
        check_ngram_list(impl.char_ngrams(word), ref.char_ngrams(word), f"char_ngrams({word!r})",
                         lambda: ngram_mistakes(word, 3, 6))


@pytest.mark.item("char_ngrams")
def test_char_ngrams_short_words(impl):
    """An n longer than the wrapped word gives no n-grams: char_ngrams('a') == ['<a>'], char_ngrams('') == []."""
    for word, n_min, n_max in [("a", 3, 6), ("", 3, 6), ("", 1, 3), ("ab", 4, 9), ("я", 2, 2)]:
        check_ngram_list(impl.char_ngrams(word, n_min, n_max), ref.char_ngrams(word, n_min, n_max),
                         f"char_ngrams({word!r}, n_min={n_min}, n_max={n_max})",
                         lambda: ngram_mistakes(word, n_min, n_max))


@st.composite
def ngram_args(draw):
    n_min = draw(st.integers(1, 5))
    return draw(st.text(WORD_ALPHABET, max_size=8)), n_min, draw(st.integers(n_min, n_min + 3))


@pytest.mark.item("char_ngrams", weight=3)
@given(ngram_args())
@example(("aaaa", 2, 3))
@example(("abc", 1, 7))
def test_char_ngrams_matches_reference(impl, args):
    """char_ngrams(word, n_min, n_max) lists the n-grams of '<' + word + '>' by n, then position, duplicates kept."""
    word, n_min, n_max = args
    check_ngram_list(impl.char_ngrams(word, n_min, n_max), ref.char_ngrams(word, n_min, n_max),
                     f"char_ngrams({word!r}, n_min={n_min}, n_max={n_max})", lambda: ngram_mistakes(word, n_min, n_max))


@pytest.mark.item("char_ngrams")
def test_char_ngrams_rejects_bad_n_range(impl):
    """char_ngrams raises ValueError unless 1 <= n_min <= n_max."""
    for n_min, n_max in [(4, 3), (0, 3), (-1, 2)]:
        expect_value_error(lambda: impl.char_ngrams("where", n_min, n_max),
                           f"char_ngrams('where', n_min={n_min}, n_max={n_max})",
                           _("check 1 <= n_min <= n_max first and raise ValueError otherwise (an empty range or "
                             "n = 0 would quietly give no n-grams or empty strings)"))


# -- fnv1a_32 --------------------------------------------------------------------------------

def _fnv(values, xor_first=True, mask=MASK, offset=OFFSET):
    h = offset
    for v in values:
        h = ((h ^ v) * PRIME) & mask if xor_first else ((h * PRIME) & mask) ^ v
    return h


def hash_mistakes(text):
    """{hint: what a classic mistake returns}."""
    data = text.encode("utf-8")
    return {
        _("hash the UTF-8 bytes of the text (text.encode('utf-8')), not the characters' code points ord(c)"):
            _fnv(ord(c) for c in text),
        _("FNV-1a XORs each byte in first and then multiplies by the prime (multiplying first is FNV-1)"):
            _fnv(data, xor_first=False),
        _("XOR the unsigned byte values 0..255 (fastText's C++ code uses signed chars; the course uses standard "
          "FNV-1a)"): _fnv((b | 0xFFFFFF00) if b >= 128 else b for b in data),
        _("encode the text as UTF-8 (text.encode('utf-8')), not UTF-16"): _fnv(text.encode("utf-16-le")),
        _("start from the offset basis h = 2166136261 (0x811c9dc5), not from 0"): _fnv(data, offset=0),
    }


def check_hash(value, text):
    call = f"fnv1a_32({text!r})"
    expected = ref.fnv1a_32(text)
    if type(value) is not int:
        fail(_("{call} should return a Python int.").format(call=call), f"int {expected}", describe(value),
             _("accumulate in a Python int and return it (not a tensor, numpy number, string or float)"))
    if not 0 <= value < 2 ** 32:
        fail(_("{call} is outside [0, 2**32).").format(call=call), f"{expected}", f"{value}",
             _("keep 32 bits after every multiplication: h = (h * 16777619) & 0xFFFFFFFF (or % 2**32)"))
    if value != expected:
        hint = next((h for h, wrong in hash_mistakes(text).items() if wrong == value), None)
        data = list(text.encode("utf-8"))
        fail(_("{call} is wrong (its UTF-8 bytes: {bytes}).").format(
                 call=call, bytes=f"{data[:16]}{' ...' if len(data) > 16 else ''}"),
             f"{expected} ({expected:#010x})", f"{value} ({value:#010x})", hint)


@pytest.mark.item("fnv1a_32")
def test_fnv1a_32_published_values(impl):
    """fnv1a_32 gives the published FNV-1a values: '' -> 2166136261, 'a' -> 0xe40c292c, 'foobar' -> 0xbf9cf968."""
    for text in ["", "a", "foobar"]:
        check_hash(impl.fnv1a_32(text), text)


@pytest.mark.item("fnv1a_32")
def test_fnv1a_32_unicode(impl):
    """fnv1a_32 hashes the UTF-8 bytes of non-ASCII text: Cyrillic (2 bytes a letter), CJK (3) and emoji (4)."""
    for text in UNICODE_WORDS + ["<пр", "ет>"]:
        check_hash(impl.fnv1a_32(text), text)


@pytest.mark.item("fnv1a_32", weight=3)
@given(st.text(max_size=12))
@example("<wh")
@example("é")
def test_fnv1a_32_matches_reference(impl, text):
    """fnv1a_32(text) is the 32-bit FNV-1a hash of the UTF-8 bytes of any text, an int in [0, 2**32)."""
    check_hash(impl.fnv1a_32(text), text)


# -- NgramEmbedding --------------------------------------------------------------------------

def bucket_mean(weight, words, grams, hashing, num_buckets, reduce="mean"):
    rows = []
    for word in words:
        buckets = [hashing(g) % num_buckets for g in grams(word)]
        if not buckets:
            return None
        if reduce == "distinct":
            buckets = sorted(set(buckets))
        picked = weight[torch.tensor(buckets)]
        rows.append(picked.sum(0) if reduce == "sum" else picked.mean(0))
    return torch.stack(rows)


def ngram_embedding_mistakes(weight, words, n_min, n_max):
    B = weight.shape[0]
    ns = range(n_min, n_max + 1)
    grams = lambda w: _grams("<" + w + ">", ns)  # noqa: E731
    fnv = lambda g: _fnv(g.encode("utf-8"))  # noqa: E731
    mistakes = {
        _("average the rows of the word's n-grams (mean), do not sum them"):
            bucket_mean(weight, words, grams, fnv, B, "sum"),
        _("each n-gram counts, even when two of them share a bucket or repeat: average over all n-grams, "
          "not over distinct buckets"): bucket_mean(weight, words, grams, fnv, B, "distinct"),
        _("average over every n-gram occurrence: keep repeated n-grams"):
            bucket_mean(weight, words, lambda w: list(dict.fromkeys(grams(w))), fnv, B),
        _("the bucket is fnv1a_32(g) % num_buckets (a bit mask & (num_buckets - 1) equals it only for powers of 2)"):
            bucket_mean(weight, words, grams, lambda g: fnv(g) & (B - 1), 2 ** 62),
        _("wrap each word in '<' and '>' before taking its n-grams (use char_ngrams)"):
            bucket_mean(weight, words, lambda w: _grams(w, ns), fnv, B),
        _("hash the UTF-8 bytes of each n-gram (fnv1a_32), not its code points"):
            bucket_mean(weight, words, grams, lambda g: _fnv(ord(c) for c in g), B),
        _("FNV-1a XORs each byte in first, then multiplies (use fnv1a_32)"):
            bucket_mean(weight, words, grams, lambda g: _fnv(g.encode("utf-8"), xor_first=False), B),
    }
    if (n_min, n_max) != (3, 6):
        mistakes[_("use the module's own n_min and n_max: char_ngrams(word, self.n_min, self.n_max)")] = \
            bucket_mean(weight, words, lambda w: _grams("<" + w + ">", range(3, 7)), fnv, B)
    return mistakes


def helpers_mistake(impl, weight, words, n_min, n_max):
    """{hint: the vectors that the student's own char_ngrams and fnv1a_32 give} when one of them is wrong:
    NgramEmbedding is then right in itself, and the feedback should send the student to the helper."""
    try:
        grams = {word: impl.char_ngrams(word, n_min, n_max) for word in words}
        hashes = {g: impl.fnv1a_32(g) for gs in grams.values() for g in gs}
        B = weight.shape[0]
        vectors = bucket_mean(weight, words, grams.__getitem__, hashes.__getitem__, B)
    except Exception:  # the helpers may fail in other ways: no hint then
        return {}
    for word in words:
        if grams[word] != ref.char_ngrams(word, n_min, n_max):
            return {_("NgramEmbedding uses your char_ngrams, which is wrong: char_ngrams({word!r}, {n_min}, {n_max}) "
                      "gives {grams}; fix char_ngrams first").format(
                        word=word, n_min=n_min, n_max=n_max, grams=_short(grams[word], 6)): vectors}
    for gram, value in hashes.items():
        if value != ref.fnv1a_32(gram):
            return {_("NgramEmbedding uses your fnv1a_32, which is wrong: fnv1a_32({gram!r}) gives {value!r}; "
                      "fix fnv1a_32 first").format(gram=gram, value=value): vectors}
    return {}


def reference_ngram_embedding(num_buckets, D, n_min, n_max, seed, dtype=F64):
    module = ref.NgramEmbedding(num_buckets, D, n_min, n_max).to(dtype)
    with torch.no_grad():
        module.weight.copy_(random_tensor(seed, num_buckets, D))
    return module


def check_word_vectors(out, expected, words, what, n_range, mistakes, **tolerances):
    """Compare row by row, so that the feedback names the word whose vector is wrong."""
    assert_tensor(out, what)
    if tuple(out.shape) != tuple(expected.shape):
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=tuple(expected.shape)),
             _("shape {shape}").format(shape=tuple(out.shape)),
             _("one row per word: (len(words), embedding_dim), the mean over the word's n-gram rows"))
    a, e = out.detach().to(F64), expected.detach().to(F64)
    for k, word in enumerate(words):
        if torch.allclose(a[k], e[k], atol=tolerances.get("atol", 1e-6), rtol=tolerances.get("rtol", 1e-5)):
            continue
        wrong = {h: w[k] for h, w in mistakes().items() if w is not None and tuple(w.shape) == tuple(e.shape)}
        grams = ref.char_ngrams(word, *n_range)
        where = (_("row {k}, the vector of word {word!r}: the mean of {count} row, one per n-gram")
                 if len(grams) == 1 else
                 _("row {k}, the vector of word {word!r}: the mean of {count} rows, one per n-gram"))
        with_where(lambda: assert_close(a[k], e[k], _("{what}, row {k}").format(what=what, k=k), mistakes=wrong,
                                        **tolerances),
                   where.format(k=k, word=word, count=len(grams)))


@st.composite
def ngram_inputs(draw, n_min=3, n_max=6):
    num_buckets = draw(st.sampled_from([1, 7, 97, 1000, 4099]))
    D = draw(st.integers(1, 4))
    words = draw(st.lists(st.text(WORD_ALPHABET, min_size=max(1, n_min - 2), max_size=7), min_size=1, max_size=4))
    return num_buckets, D, words


def ngram_call(B, D, n_min, n_max):
    return f"NgramEmbedding({B}, {D}, n_min={n_min}, n_max={n_max})"


def run_ngram_embedding(impl, B, D, words, n_min, n_max, seed, dtype=F64):
    reference = reference_ngram_embedding(B, D, n_min, n_max, seed, dtype)
    module = impl.NgramEmbedding(B, D, n_min=n_min, n_max=n_max)
    module.load_state_dict(reference.state_dict())
    if dtype == F64:
        module.double()
    return module, reference


@pytest.mark.item("NgramEmbedding")
@given(st.sampled_from([1, 97, 1000]), st.integers(1, 5))
def test_ngram_embedding_parameters(impl, B, D):
    """NgramEmbedding(num_buckets, D) has one parameter, weight (num_buckets, D), like nn.EmbeddingBag."""
    check_state_dict_layout(impl.NgramEmbedding(B, D), nn.EmbeddingBag(B, D), f"NgramEmbedding({B}, {D})",
                            _(EMBEDDING_LAYOUT))


@pytest.mark.item("NgramEmbedding")
def test_ngram_embedding_initialised_from_standard_normal(impl):
    """A new NgramEmbedding's weight is drawn from N(0, 1), as nn.EmbeddingBag's is."""
    what = "NgramEmbedding(2000, 8)"
    weight = check_state_dict_layout(impl.NgramEmbedding(2000, 8), nn.EmbeddingBag(2000, 8), what,
                                     _(EMBEDDING_LAYOUT))["weight"]
    check_standard_normal(weight, what, _("initialise the table like nn.EmbeddingBag: nn.init.normal_(self.weight) "
                                          "or torch.randn (torch.rand is uniform on [0, 1))"))


def check_ngram_embedding(impl, B, D, words, n_min, n_max, seed):
    module, reference = run_ngram_embedding(impl, B, D, words, n_min, n_max, seed)
    weight = reference.weight.detach()
    check_word_vectors(module(words), reference(words), words, f"{ngram_call(B, D, n_min, n_max)}({words!r})",
                       (n_min, n_max), lambda: {**helpers_mistake(impl, weight, words, n_min, n_max),
                                                **ngram_embedding_mistakes(weight, words, n_min, n_max)})


@pytest.mark.item("NgramEmbedding", weight=3)
@given(ngram_inputs(), seeds())
@example((97, 2, ["where", "here"]), 0)
@example((1000, 3, ["aaaa", "<a>"]), 1)
def test_ngram_embedding_matches_reference(impl, inputs, seed):
    """NgramEmbedding(words) averages the weight rows fnv1a_32(g) % num_buckets over each word's n-grams (3 to 6)."""
    B, D, words = inputs
    check_ngram_embedding(impl, B, D, words, 3, 6, seed)


@pytest.mark.item("NgramEmbedding")
@given(seeds())
def test_ngram_embedding_unicode_words(impl, seed):
    """NgramEmbedding buckets non-ASCII words (Cyrillic, CJK, emoji) with the hash of their UTF-8 bytes."""
    check_ngram_embedding(impl, 4099, 3, UNICODE_WORDS, 3, 6, seed)


@pytest.mark.item("NgramEmbedding")
@given(st.sampled_from([(1, 3), (2, 4), (4, 5), (3, 3)]).flatmap(
    lambda n: st.tuples(st.just(n), ngram_inputs(*n))), seeds())
def test_ngram_embedding_own_n_range(impl, n_inputs, seed):
    """NgramEmbedding(num_buckets, D, n_min, n_max) uses its own n_min and n_max."""
    (n_min, n_max), (B, D, words) = n_inputs
    check_ngram_embedding(impl, B, D, words, n_min, n_max, seed)


@pytest.mark.item("NgramEmbedding")
@given(ngram_inputs(), seeds())
def test_ngram_embedding_float32(impl, inputs, seed):
    """NgramEmbedding works in float32, PyTorch's default dtype."""
    B, D, words = inputs
    module, reference = run_ngram_embedding(impl, B, D, words, 3, 6, seed, dtype=torch.float32)
    what = _("{call} in float32 ({words!r})").format(call=ngram_call(B, D, 3, 6), words=words)
    out = calling(what, lambda: module(words), {"dtype": _(FLOAT32_BAG), "Double": _(FLOAT32_BAG)})
    check_dtype(out, torch.float32, what, _("the word vectors keep the weight's dtype: build counts, masks or bag "
                                            "matrices with dtype=self.weight.dtype, not float64"))
    check_word_vectors(out, reference(words), words, what, (3, 6), lambda: {}, atol=1e-5, rtol=1e-5)


@pytest.mark.item("NgramEmbedding", weight=2)
@given(ngram_inputs(), seeds())
@example((7, 2, ["aaaa", "ab"]), 0)
def test_ngram_embedding_gradient(impl, inputs, seed):
    """Gradients reach NgramEmbedding.weight: each n-gram's bucket row gets its word's gradient / number of n-grams."""
    B, D, words = inputs
    module, reference = run_ngram_embedding(impl, B, D, words, 3, 6, seed)
    grad_output = random_tensor(seed + 1, len(words), D)
    got = impl.call_with_grad(module, words, grad_output=grad_output)
    reference(words).backward(grad_output)
    name = ngram_call(B, D, 3, 6)
    grad = check_param_grad(got, "weight", name)
    assert_close(grad, reference.weight.grad,
                 _("the gradient of {name}.weight for words {words!r}").format(name=name, words=words), mistakes={
        _("average the rows (mean), do not sum them: each row gets the word's gradient / number of n-grams"):
            _sum_grad(reference.weight.detach(), words, grad_output)})


def _sum_grad(weight, words, grad_output):
    leaf = weight.clone().requires_grad_()
    ns = range(3, 7)
    out = bucket_mean(leaf, words, lambda w: _grams("<" + w + ">", ns), lambda g: _fnv(g.encode()), weight.shape[0],
                      "sum")
    out.backward(grad_output)
    return leaf.grad


# -- the promises of each item, the check that holds it to each, and a sample that breaks only it ------------

CLAUSES = [
    Clause("Embedding", "does not use the forbidden built-ins nn.Embedding*, F.embedding*, torch.embedding*",
           "test_embedding_matches_nn_embedding", "uses_f_embedding"),
    Clause("Embedding", "one parameter, weight (V, D): state-dict compatible with nn.Embedding",
           "test_embedding_parameters_like_nn_embedding", "embedding_weight_transposed"),
    Clause("Embedding", "the padding_idx row starts at zero", "test_embedding_parameters_like_nn_embedding",
           "embedding_masks_padding_in_forward"),
    Clause("Embedding", "padding_idx=0 is a padding index too (not falsy)",
           "test_embedding_parameters_like_nn_embedding", "embedding_if_padding_idx"),
    Clause("Embedding", "weight initialised from N(0, 1), like nn.Embedding",
           "test_embedding_initialised_from_standard_normal", "embedding_xavier_init"),
    Clause("Embedding", "forward(indices) of any shape returns (*indices.shape, D)",
           "test_embedding_matches_nn_embedding", "embedding_flattens_indices"),
    Clause("Embedding", "a 0-d index gives one vector (D,)", "test_embedding_matches_nn_embedding",
           "embedding_iterates_indices"),
    Clause("Embedding", "float32 and float64: the output has the weight's dtype", "test_embedding_float32",
           "embedding_float64_mask"),
    Clause("Embedding", "gradients reach weight; repeated indices add up",
           "test_embedding_gradient_sums_repeated_indices", "embedding_reads_weight_data"),
    Clause("Embedding", "the padding_idx row gets no gradient", "test_embedding_padding_row_gets_no_gradient",
           "padding_row_still_learns"),
    Clause("Embedding", "ValueError for indices outside [0, V)", "test_embedding_rejects_out_of_range_indices",
           "embedding_no_index_check"),

    Clause("embedding_backward", "does not use the forbidden built-ins nn.Embedding*, F.embedding*, torch.embedding*",
           "test_embedding_backward_matches_autograd", "backward_uses_embedding_dense_backward"),
    Clause("embedding_backward", "computed by hand: no autograd (torch.autograd.grad, .backward())",
           "test_embedding_backward_matches_autograd", "backward_uses_autograd_grad"),
    Clause("embedding_backward", "returns (num_embeddings, D)", "test_embedding_backward_matches_autograd",
           "backward_rows_up_to_max_index"),
    Clause("embedding_backward", "indices of any shape, grad_output (*indices.shape, D)",
           "test_embedding_backward_matches_autograd", "backward_assumes_2d_indices"),
    Clause("embedding_backward", "repeated indices sum their gradients", "test_embedding_backward_matches_autograd",
           "backward_assigns_repeated_indices"),
    Clause("embedding_backward", "zero row at padding_idx", "test_embedding_backward_matches_autograd",
           "backward_ignores_padding_idx"),
    Clause("embedding_backward", "padding_idx=0 is a padding index too (not falsy)",
           "test_embedding_backward_matches_autograd", "backward_if_padding_idx"),
    Clause("embedding_backward", "float64 grad_output gives a float64 gradient",
           "test_embedding_backward_matches_autograd", "backward_float32_zeros"),
    Clause("embedding_backward", "float32 grad_output gives a float32 gradient", "test_embedding_backward_float32",
           "backward_always_float64"),
    Clause("embedding_backward", "ValueError when grad_output is not (*indices.shape, D)",
           "test_embedding_backward_rejects_mismatched_grad_output", "backward_no_shape_check"),

    Clause("char_ngrams", "the n-grams of '<' + word + '>', both markers", "test_char_ngrams_worked_example",
           "ngrams_left_marker_only"),
    Clause("char_ngrams", "ordered by n, then by position", "test_char_ngrams_worked_example",
           "ngrams_ordered_by_position"),
    Clause("char_ngrams", "n from n_min to n_max inclusive", "test_char_ngrams_worked_example",
           "ngrams_n_max_exclusive"),
    Clause("char_ngrams", "characters are Unicode code points", "test_char_ngrams_unicode_code_points",
           "ngrams_utf8_length"),
    Clause("char_ngrams", "an n longer than the wrapped word gives none", "test_char_ngrams_short_words",
           "ngrams_short_word_whole"),
    Clause("char_ngrams", "duplicates kept", "test_char_ngrams_matches_reference", "ngrams_without_repeats"),
    Clause("char_ngrams", "ValueError unless 1 <= n_min <= n_max", "test_char_ngrams_rejects_bad_n_range",
           "ngrams_accept_bad_n_range"),

    Clause("fnv1a_32", "starts from the offset basis 2166136261", "test_fnv1a_32_published_values",
           "hash_offset_zero"),
    Clause("fnv1a_32", "XOR each byte, then multiply by 16777619 (FNV-1a, not FNV-1)",
           "test_fnv1a_32_published_values", "hash_fnv1_order_only"),
    Clause("fnv1a_32", "32 bits: a value in [0, 2**32)", "test_fnv1a_32_published_values", "hash_no_32_bit_mask"),
    Clause("fnv1a_32", "returns a Python int", "test_fnv1a_32_published_values", "hash_numpy_uint32"),
    Clause("fnv1a_32", "hashes the UTF-8 bytes, not the code points", "test_fnv1a_32_unicode",
           "hash_code_points_only"),
    Clause("fnv1a_32", "XORs the unsigned bytes (standard FNV-1a, not fastText's signed chars)",
           "test_fnv1a_32_unicode", "hash_fasttext_signed_bytes"),

    Clause("NgramEmbedding", "does not use the forbidden built-ins nn.EmbeddingBag, F.embedding_bag",
           "test_ngram_embedding_matches_reference", "uses_embedding_bag"),
    Clause("NgramEmbedding", "one parameter, weight (num_buckets, D), like nn.EmbeddingBag",
           "test_ngram_embedding_parameters", "ngram_embedding_wraps_nn_embedding"),
    Clause("NgramEmbedding", "weight initialised from N(0, 1), like nn.EmbeddingBag",
           "test_ngram_embedding_initialised_from_standard_normal", "ngram_embedding_rand_init"),
    Clause("NgramEmbedding", "forward(words) returns (len(words), D)", "test_ngram_embedding_matches_reference",
           "ngram_embedding_cat_rows"),
    Clause("NgramEmbedding", "the mean (not the sum) of the n-grams' rows", "test_ngram_embedding_matches_reference",
           "ngram_embedding_sums"),
    Clause("NgramEmbedding", "row fnv1a_32(g) % num_buckets", "test_ngram_embedding_matches_reference",
           "ngram_embedding_bucket_mask"),
    Clause("NgramEmbedding", "every n-gram occurrence counts (repeats, shared buckets)",
           "test_ngram_embedding_matches_reference", "ngram_embedding_distinct_buckets"),
    Clause("NgramEmbedding", "uses the module's own n_min and n_max", "test_ngram_embedding_own_n_range",
           "ngram_embedding_default_n_range"),
    Clause("NgramEmbedding", "float32 and float64", "test_ngram_embedding_float32", "ngram_embedding_float64_bag"),
    Clause("NgramEmbedding", "gradients reach weight", "test_ngram_embedding_gradient", "ngram_embedding_no_grad"),
]
