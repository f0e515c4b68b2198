"""Comparisons and input strategies shared by the hidden checks.

A failed comparison raises ``CheckFailure`` with a message for the student:
what was checked, what was expected, what was received, and a hint when the
result matches a known mistake.
"""
import io
import math

import numpy as np
import pytest
import torch
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograder.implementation import MissingDefinition, Opaque, StudentCodeError
from autograder.submitted_files import SubmittedFileError

F64 = torch.float64


class CheckFailure(AssertionError):
    """A check found a wrong result; its message is shown to the student."""


def fail(what, expected, received, hint=None):
    lines = [what, f"  expected: {expected}", f"  received: {received}"]
    if hint:
        lines.append(f"  hint: {hint}")
    raise CheckFailure("\n".join(lines))


def describe(value):
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {str(value.dtype).removeprefix('torch.')}"
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name} (not a torch.Tensor)"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"{type(value).__name__} {value!r}"[:200]


def assert_tensor(value, what, shape=None):
    if not isinstance(value, torch.Tensor):
        fail(f"{what} should be a torch.Tensor.", "a torch.Tensor" + (f" of shape {tuple(shape)}" if shape else ""),
             describe(value), not_a_tensor_hint(value))
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(f"{what} has the wrong shape.", f"shape {tuple(shape)}", f"shape {tuple(value.shape)}",
             shape_mistake_hint(tuple(value.shape), tuple(shape))
             or "check which dimension is batch, time and features, and the orientation of your weights")


def not_a_tensor_hint(value):
    """What a classic non-tensor result says about the code that returned it, or None."""
    if isinstance(value, list) and value and all(isinstance(v, torch.Tensor) for v in value):
        return "you returned a Python list of tensors: combine them into one tensor (torch.stack or torch.cat)"
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (bool, int, float)) for v in value):
        return f"return a tensor (torch.tensor(...)), not a Python {type(value).__name__} of numbers"
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (tuple, list, torch.Tensor)) for v in value):
        return ("this result is a single tensor, not a tuple: return a flat tuple of tensors, "
                "without nesting one tuple in another")
    if isinstance(value, np.ndarray) or (isinstance(value, Opaque) and "ndarray" in value.type_name):
        return "return a torch.Tensor, not a numpy array: stay in torch (numpy also cuts the gradients)"
    if isinstance(value, (bool, int, float)):
        return "return a tensor, not a Python number (no .item(), float(...) or int(...) on the result)"
    return None


def shape_mistake_hint(got, expected):
    """A hint for a result of shape ``got`` that should be ``expected``, when the difference names a mistake."""
    if got == tuple(d for d in expected if d != 1) and got != expected:
        return "keep the dimensions of size 1 (a batch of 1 is still a batch): no .squeeze()"
    if len(got) == len(expected) and sorted(got) == sorted(expected) and len(set(expected)) == len(expected):
        if len(got) == 2:
            return "your result is transposed: swap its two dimensions (or check x @ weight.T)"
        return "the dimensions are in the wrong order: check which one is batch, which time and which features"
    if len(got) == len(expected) + 1 and 1 in got and tuple(d for d in got if d != 1) == \
            tuple(d for d in expected if d != 1):
        return "there is an extra dimension of size 1: remove it (e.g. .squeeze(k) of that dimension only)"
    return None


def _index(flat_index, shape):
    return tuple(int(i) for i in np.unravel_index(flat_index, tuple(shape))) if len(shape) else ()


def assert_close(actual, expected, what, atol=1e-6, rtol=1e-5, mistakes=None):
    """Compare a student's tensor with the reference in float64.

    mistakes: optional dict {hint: tensor a classic mistake would produce}; if
    the student's result matches one, its hint is shown.
    """
    assert_tensor(actual, what, expected.shape)
    a, e = actual.detach().to(F64), expected.detach().to(F64)
    if torch.allclose(a, e, atol=atol, rtol=rtol, equal_nan=True):
        return
    hint = None
    for mistake_hint, wrong in (mistakes or {}).items():
        if wrong is not None and wrong.shape == a.shape and torch.allclose(a, wrong.detach().to(F64), atol=atol, rtol=rtol):
            hint = mistake_hint
            break
    if hint is None:
        hint = quietly(lambda: generic_value_hint(a, e, atol, rtol))
    diff = (a - e).abs().nan_to_num(nan=math.inf)
    worst = int(diff.flatten().argmax()) if diff.numel() else 0
    where = _index(worst, a.shape)
    at = f" at index {where}" if where else ""
    fail(f"{what} has wrong values (largest difference {float(diff.flatten()[worst]):.3g}{at}).",
         f"{float(e.flatten()[worst]):.6g}{at}", f"{float(a.flatten()[worst]):.6g}{at}", hint)



def generic_value_hint(a, e, atol=1e-6, rtol=1e-5):
    """A hint for values ``a`` (float64) that should be ``e``, when they are a known transformation of ``e``:
    the opposite sign, two dimensions swapped, one dimension reversed; else None."""
    def same(x):
        return x.shape == a.shape and torch.allclose(a, x, atol=atol, rtol=rtol, equal_nan=True)

    if len(set(e.flatten().tolist())) < 3:  # shrunk examples (zeros and ones): too many transformations coincide
        return None
    found = []
    if same(-e):
        found.append("your values have the opposite sign: check the sign of each term (a - b versus b - a)")
    for i in range(e.dim()):
        for j in range(i + 1, e.dim()):
            if e.shape[i] == e.shape[j] > 1 and same(e.transpose(i, j)):
                found.append(f"dimensions {i} and {j} of your result are swapped: check which dimension is which "
                             "(and the orientation of the weights: x @ weight.T)")
    for i in range(e.dim()):
        if e.shape[i] > 1 and same(e.flip(i)):
            found.append(f"your result is in reverse order along dimension {i}")
    return found[0] if len(found) == 1 else None


def assert_close_explained(actual, expected, what, mistakes, **tolerances):
    """assert_close, with ``mistakes()`` (a dict {hint: wrong tensor}) computed only when the values differ."""
    try:
        assert_close(actual, expected, what, **tolerances)
    except CheckFailure:
        try:
            wrong = mistakes()
        except Exception:  # a mistake that cannot be simulated for these shapes gives no hint
            wrong = None
        assert_close(actual, expected, what, mistakes=wrong, **tolerances)
        raise


def assert_close_diagnosed(actual, expected, what, diagnose, **tolerances):
    """assert_close; when the values differ, ``diagnose()`` names the classic mistake (or None).

    Hypothesis shrinks failing values towards zeros and ones, where several mistakes give the same wrong numbers;
    so diagnose() runs the student's code again on generic inputs of the same shapes and compares it with each
    mistake there."""
    try:
        assert_close(actual, expected, what, **tolerances)
    except CheckFailure:
        hint = quietly(diagnose)  # the student's code may fail on other inputs too: no hint then
        assert_close(actual, expected, what, mistakes={hint: actual} if hint else None, **tolerances)
        raise


def first_match(actual, mistakes, atol=1e-6, rtol=1e-5):
    """The hint of the first mistake in ``mistakes`` ({hint: wrong tensor}) whose values ``actual`` has, or None."""
    if not isinstance(actual, torch.Tensor):
        return None
    for hint, wrong in mistakes.items():
        if same_values(actual, wrong, atol=atol, rtol=rtol):
            return hint
    return None


def check_pair(result, what, names):
    """``result`` is a pair (tuple or list of two); ``names`` says what it holds, e.g. "(h, c)"."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        hint = f"return both results as one tuple: return {names.strip('()')}"
        if isinstance(result, (tuple, list)):
            hint = f"return exactly two results, {names}"
        fail(f"{what} should return a pair {names}.", "a tuple of 2 tensors", describe(result), hint)
    return result


def quietly(fn):
    """fn(), or None if it raises: for hints computed from student code, which may fail on other inputs too."""
    try:
        return fn()
    except Exception:
        return None


def same_values(a, b, atol=1e-6, rtol=1e-5):
    """Two tensors of one shape with the same values (in float64)."""
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.detach().to(F64), b.detach().to(F64), atol=atol, rtol=rtol))


def wrong_dependency(module, function, theirs, expected):
    """{hint: theirs} when the student's own ``function`` computes ``theirs`` != ``expected`` for the module's inputs:
    the module may be right and only the function it builds on wrong. Empty when their function is right or raised."""
    if theirs is None or same_values(theirs, expected):
        return {}
    return {f"{module} computes what your {function} computes, and {function} is wrong: "
            f"fix {function} first (its own check says how)": theirs}


def assert_number_close(actual, expected, what, atol=1e-6, rtol=1e-5, hint=None):
    if isinstance(actual, torch.Tensor) and actual.numel() == 1:
        actual = actual.item()
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        fail(f"{what} should be a number (or a 0-dim tensor).", f"{expected:.6g}", describe(actual))
    if not math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol):
        fail(f"{what} is wrong.", f"{expected:.6g}", f"{actual:.6g}", hint)


# -- strategies -----------------------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=5)
batches = st.integers(min_value=1, max_value=4)
lengths = st.integers(min_value=1, max_value=6)


def tensors(*shape, low=-2.0, high=2.0):
    """float64 tensors of a fixed shape with bounded, finite values."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=64)
    return arrays(np.float64, tuple(shape), elements=elements).map(torch.from_numpy)


def seeds():
    return st.integers(min_value=0, max_value=2**31 - 1)


def random_tensor(seed, *shape, scale=1.0):
    """A float64 tensor from a seed: for big inputs where shrinking values does not help."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=F64) * scale


# -- trained checkpoints ------------------------------------------------------------------------

def load_checkpoint(impl, name, keys, how_to_save):
    """The dict a student saved to ``name`` beside the notebook, read by the grader with
    ``torch.load(weights_only=True)`` (tensors, numbers, strings and containers only, never code).

    keys: the entries it must have; how_to_save: the hint shown when it is unusable.
    """
    try:
        data = impl.files.read(name)
    except SubmittedFileError as exc:
        fail(f"This item grades your trained model, saved as {name}.", f"{name} handed in beside your notebook",
             str(exc), how_to_save)
    try:
        checkpoint = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # anything torch's safe loader refuses
        fail(f"{name} could not be loaded with torch.load({name!r}, weights_only=True).",
             "a file written by torch.save of a dict of tensors, numbers and strings",
             f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}", how_to_save)
    if not isinstance(checkpoint, dict) or not set(keys) <= set(checkpoint):
        fail(f"{name} should hold a dict with the entries {sorted(keys)}.", f"a dict with keys {sorted(keys)}",
             describe(checkpoint) if not isinstance(checkpoint, dict) else f"a dict with keys {sorted(checkpoint)}",
             how_to_save)
    state_dict, config = checkpoint.get("state_dict"), checkpoint.get("config")
    if not isinstance(state_dict, dict) or not all(isinstance(v, torch.Tensor) for v in state_dict.values()):
        fail(f"{name}: 'state_dict' should be your model's state_dict().", "a dict of name -> tensor",
             describe(state_dict), how_to_save)
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
        fail(f"{name}: 'config' should hold the constructor's keyword arguments.", "a dict such as "
             "{'vocab_size': ..., ...}", describe(config), how_to_save)
    return checkpoint


def model_from_checkpoint(impl, class_name, checkpoint, name):
    """``class_name(**config)`` from the student's code, with the checkpoint's weights, in eval mode."""
    config = checkpoint["config"]
    call = f"{class_name}({', '.join(f'{k}={v!r}' for k, v in config.items())})"
    try:
        model = getattr(impl, class_name)(**config)
    except Exception as exc:  # raised by the student's class (in the worker: a StudentCodeError)
        fail(f"{name}: building {call} from the saved config failed.", f"a {class_name}", _error_text(exc),
             "save the arguments you built the trained model with as 'config'")
    try:
        model.load_state_dict(checkpoint["state_dict"])
    except Exception as exc:
        fail(f"{name}: the saved weights do not fit {call}.", "every parameter name and shape as in your model",
             _error_text(exc)[:600], "save model.state_dict() of the model you trained, after training, "
             "together with the arguments you built it with")
    model.eval()
    return model


def _error_text(exc):
    return f"{exc.kind}: {exc.message}" if isinstance(exc, StudentCodeError) else f"{type(exc).__name__}: {exc}"


# -- modules ------------------------------------------------------------------------------------

LAYOUT_HINT = "name and register parameters exactly as PyTorch does (nn.Parameter attributes, in that order)"


def check_state_dict_layout(module, reference, what, names_hint=LAYOUT_HINT, shape_hint=None):
    """The student's module has the reference module's state_dict keys, in order, with its shapes.

    names_hint: a str, or callable(got_names, expected_names) -> str or None; shape_hint: a str,
        or callable(name) -> str, shown when a parameter's shape is wrong.
    returns: the student's state_dict
    """
    names = module.state_dict()
    expected = reference.state_dict()
    if not isinstance(names, dict) or list(names) != list(expected):
        got = list(names) if isinstance(names, dict) else describe(names)
        hint = (names_hint(got, list(expected)) if isinstance(names, dict) else None) if callable(names_hint) \
            else names_hint
        fail(f"{what} has the wrong parameters (state_dict keys).", list(expected), got, hint or LAYOUT_HINT)
    for name, tensor in expected.items():
        assert_tensor(names[name], f"{what}.{name}")
        if tuple(names[name].shape) != tuple(tensor.shape):
            hint = shape_hint(name) if callable(shape_hint) else shape_hint
            if not hint and tensor.dim() == 2 and tuple(names[name].shape) == tuple(tensor.shape)[::-1]:
                hint = (f"yours is the transpose: store {name} with PyTorch's shape {tuple(tensor.shape)} "
                        "(a Linear-style weight is (out_features, in_features), used as x @ weight.T)")
            fail(f"{what}.{name} has the wrong shape.", f"shape {tuple(tensor.shape)}",
                 f"shape {tuple(names[name].shape)}", hint)
    return names


def calling(what, fn, hint):
    """fn(), a call into the student's code; if it raises, its error is shown with ``hint`` (a str, or a callable
    giving one or None, run only then, or a dict {text in the error message: hint})."""
    try:
        return fn()
    except StudentCodeError as exc:
        found = None if exc.kind == "WorkerFailure" or isinstance(exc, MissingDefinition) else \
            _hint(hint, f"{exc.kind}: {exc.message}")
        if not found:
            raise
        raise StudentCodeError(exc.kind, f"{exc.message}\nhint: {found}", exc.traceback) from None
    except (CheckFailure, pytest.fail.Exception):
        raise
    except Exception as exc:  # the in-process implementation raises the student's own exception
        found = _hint(hint, f"{type(exc).__name__}: {exc}")
        if not found:
            raise
        raise CheckFailure(f"{what} raised {type(exc).__name__}: {exc}\n  hint: {found}") from None


def _hint(hint, error=""):
    if isinstance(hint, dict):  # {text in the error: a hint, or a callable giving one or None}
        hint = next((h for text, h in hint.items() if text in error), None)
    return quietly(hint) if callable(hint) else hint


def raises_value_error(fn):
    """(raised ValueError?, what happened) for a student call, in this process or in the worker."""
    try:
        result = fn()
    except StudentCodeError as exc:
        if exc.kind == "WorkerFailure":
            raise
        return exc.kind == "ValueError", f"{exc.kind}: {exc.message}"[:200]
    except ValueError as exc:
        return True, f"ValueError: {exc}"[:200]
    except Exception as exc:  # the in-process implementation raises the student's own exception
        return False, f"{type(exc).__name__}: {exc}"[:200]
    return False, f"no exception; returned {describe(result)}"


def expect_value_error(fn, what, hint=None):
    ok, got = raises_value_error(fn)
    if not ok:
        fail(f"{what} should raise ValueError.", "ValueError", got, hint)
