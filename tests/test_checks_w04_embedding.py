"""Checks of the checks for w04_embedding: the reference passes (in this process and through the worker), every
sample mistake loses exactly the items it breaks with a telling message, correct variants pass, and forbidden
built-ins (autograd in embedding_backward included) are found."""
import inspect

import pytest
import torch

from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import solution_imports, solution_sources
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed

WEEK = "w04_embedding"
ITEMS = ["Embedding", "embedding_backward", "char_ngrams", "fnv1a_32", "NgramEmbedding"]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """The checks compute on tiny tensors: threads only contend (the worker process runs with one too)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def cells(definitions):
    sources = {**solution_sources(WEEK), **definitions}
    return [("setup", "\n".join(solution_imports(WEEK)))] + list(sources.items())


def grade_locally(definitions):
    impl = LocalImplementation.from_source(cells(definitions), forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(WEEK, impl)


def test_check_module_layout():
    checks = check_module(WEEK)
    assert checks.WEEK == WEEK
    assert list(checks.FORBIDDEN) == ITEMS  # contract order; the runner reports items in this order
    assert "torch.autograd.grad" in checks.FORBIDDEN["embedding_backward"]
    assert "torch.autograd.backward" in checks.FORBIDDEN["embedding_backward"]
    tests = [f for name, f in vars(checks).items() if name.startswith("test_") and callable(f)]
    assert {mark.args[0] for f in tests for mark in f.pytestmark if mark.name == "item"} == set(ITEMS)
    for f in tests:
        doc = inspect.getdoc(f)
        assert doc and "\n" not in doc.strip(), f"{f.__name__} needs a one-line docstring (the check's title)"
    titles = [inspect.getdoc(f) for f in tests]
    assert len(titles) == len(set(titles)), "titles identify checks in the feedback: they must be distinct"


def test_reference_passes_every_item():
    results = grade_locally({})
    assert list(results) == ITEMS
    assert {item: r.passed for item, r in results.items()} == {item: True for item in results}, \
        "\n".join(r.feedback for r in results.values() if not r.passed)


def test_reference_passes_in_the_worker_process():
    """Over the wire, lists of n-grams come back as lists of str and hashes as Python ints."""
    impl = SandboxedImplementation(cells({}), forbidden_patterns(WEEK), Unsandboxed())
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    assert {item: r.passed for item, r in results.items()} == {item: True for item in ITEMS}, \
        "\n".join(r.feedback for r in results.values() if not r.passed)


@pytest.mark.parametrize("sample", samples(WEEK), ids=lambda s: s.name)
def test_sample_loses_exactly_the_items_it_breaks(sample):
    results = grade_locally(sample.definitions)
    failed = {item for item, r in results.items() if not r.passed}
    assert failed == set(sample.expect), {i: results[i].feedback for i in failed}
    for item, phrase in sample.expect.items():
        assert phrase in results[item].feedback, results[item].feedback


def test_there_are_enough_samples():
    wrong = [s for s in samples(WEEK) if not s.correct]
    correct = [s for s in samples(WEEK) if s.correct]
    forbidden = [s for s in wrong if "a built-in" in s.title or s.title.startswith("Forbidden")]
    assert len(wrong) >= 6 and len(correct) >= 3 and forbidden
    broken = {item for s in wrong for item in s.expect}
    assert broken == set(ITEMS), "every item has a sample that breaks it"


AUTOGRAD_VARIANTS = {
    "torch.autograd.grad": """
def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype, requires_grad=True)
    grad = torch.autograd.grad(weight[indices], weight, grad_output)[0]
    if padding_idx is not None:
        grad[padding_idx] = 0
    return grad
""",
    "from torch.autograd import grad": """
from torch.autograd import grad as autograd_grad

def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype, requires_grad=True)
    g = autograd_grad([weight[indices]], [weight], [grad_output])[0]
    if padding_idx is not None:
        g[padding_idx] = 0
    return g
""",
    "Tensor.backward": """
def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype, requires_grad=True)
    (weight[indices] * grad_output).sum().backward()
    if padding_idx is not None:
        weight.grad[padding_idx] = 0
    return weight.grad
""",
    "torch.func.vjp": """
def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype)
    grad = torch.func.vjp(lambda w: w[indices], weight)[1](grad_output)[0].clone()
    if padding_idx is not None:
        grad[padding_idx] = 0
    return grad
""",
    "torch.autograd.functional.vjp": """
def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    weight = torch.zeros(num_embeddings, grad_output.shape[-1], dtype=grad_output.dtype)
    grad = torch.autograd.functional.vjp(lambda w: w[indices], weight, grad_output)[1].clone()
    if padding_idx is not None:
        grad[padding_idx] = 0
    return grad
""",
    "Embedding module and backward": """
def embedding_backward(indices, grad_output, num_embeddings, padding_idx=None):
    module = Embedding(num_embeddings, grad_output.shape[-1], padding_idx).to(grad_output.dtype)
    module.zero_grad()
    torch.autograd.backward(module(indices), grad_output)
    return module.weight.grad
""",
}


def forbidden_found(impl, item):
    """Call ``item`` of ``impl`` once, as a check would, and return the forbidden calls that count against it."""
    impl.begin_check()
    indices = torch.tensor([[0, 2, 2], [1, 0, 3]])
    grad_output = torch.randn(2, 3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    grad = getattr(impl, item)(indices, grad_output, 5, 0)
    allowed = check_module(WEEK).FORBIDDEN[item]
    return grad, sorted({call for pattern, call in impl.take_forbidden() if pattern in allowed})


@pytest.mark.parametrize("variant", AUTOGRAD_VARIANTS, ids=list(AUTOGRAD_VARIANTS))
def test_autograd_inside_embedding_backward_is_found(variant):
    impl = LocalImplementation.from_source(cells({"embedding_backward": AUTOGRAD_VARIANTS[variant]}),
                                           forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    grad, found = forbidden_found(impl, "embedding_backward")
    assert torch.equal(grad, forbidden_found(LocalImplementation.from_source(cells({}), forbidden_patterns(WEEK)),
                                             "embedding_backward")[0])  # the variant is right, only not allowed
    assert found and all(call.startswith("torch.autograd.") for call in found), found


def test_reference_embedding_backward_uses_nothing_forbidden():
    impl = LocalImplementation.from_source(cells({}), forbidden_patterns(WEEK))
    assert forbidden_found(impl, "embedding_backward")[1] == []


def test_autograd_is_found_in_the_worker_process():
    impl = SandboxedImplementation(cells({"embedding_backward": AUTOGRAD_VARIANTS["Tensor.backward"]}),
                                   forbidden_patterns(WEEK), Unsandboxed())
    try:
        assert forbidden_found(impl, "embedding_backward")[1] == ["torch.autograd.backward"]
    finally:
        impl.close()
