"""Week-specific checks of the checks for w04_embedding (the generic ones: tests/test_checks_of_checks.py):
autograd inside embedding_backward is found, as a forbidden built-in, in this process and in the worker; samples
whose verdict rests on what crosses the wire lose their item in the worker too."""
import inspect

import pytest
import torch

from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from sandboxes import warm_launcher

WEEK = "w04_embedding"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def grade_locally(definitions):
    impl = LocalImplementation.from_source(reference_cells(WEEK, definitions), forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(WEEK, impl)


def test_autograd_is_forbidden_in_embedding_backward():
    forbidden = check_module(WEEK).FORBIDDEN["embedding_backward"]
    assert "torch.autograd.grad" in forbidden and "torch.autograd.backward" in forbidden


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
    impl = LocalImplementation.from_source(reference_cells(WEEK, {"embedding_backward": AUTOGRAD_VARIANTS[variant]}),
                                           forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    grad, found = forbidden_found(impl, "embedding_backward")
    assert torch.equal(grad, forbidden_found(LocalImplementation.from_source(reference_cells(WEEK, {}), forbidden_patterns(WEEK)),
                                             "embedding_backward")[0])  # the variant is right, only not allowed
    assert found and all(call.startswith("torch.autograd.") for call in found), found


def test_reference_embedding_backward_uses_nothing_forbidden():
    impl = LocalImplementation.from_source(reference_cells(WEEK, {}), forbidden_patterns(WEEK))
    assert forbidden_found(impl, "embedding_backward")[1] == []


def test_autograd_is_found_in_the_worker_process():
    impl = SandboxedImplementation(reference_cells(WEEK, {"embedding_backward": AUTOGRAD_VARIANTS["Tensor.backward"]}),
                                   forbidden_patterns(WEEK), warm_launcher())
    try:
        assert forbidden_found(impl, "embedding_backward")[1] == ["torch.autograd.backward"]
    finally:
        impl.close()


# Samples whose verdict rests on what crosses the wire to the worker: a NumPy scalar returned, an exception's kind
# (ValueError or not), an output without a gradient, a weight read back over the wire.
WORKER_SAMPLES = ["hash_numpy_uint32", "embedding_no_index_check", "embedding_reads_weight_data",
                  "backward_no_shape_check", "ngrams_accept_bad_n_range", "embedding_xavier_init"]


@pytest.mark.parametrize("name", WORKER_SAMPLES)
def test_sample_loses_its_item_in_the_worker_process(name):
    sample = next(s for s in samples(WEEK) if s.name == name)
    (item, phrase), = sample.expect.items()
    impl = SandboxedImplementation(reference_cells(WEEK, sample.definitions), forbidden_patterns(WEEK), warm_launcher())
    try:
        result = run_checks(WEEK, impl, items=[item])[item]
    finally:
        impl.close()
    assert not result.passed and phrase in result.feedback, result.feedback
    clause = next(c for c in check_module(WEEK).CLAUSES if c.sample == name)
    assert result.failures[0].name == inspect.getdoc(getattr(check_module(WEEK), clause.check)), result.feedback
