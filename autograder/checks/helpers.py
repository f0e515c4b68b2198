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
from autograder.messages import N_, _
from autograder.submitted_files import SubmittedFileError

F64 = torch.float64


HINT = N_("hint: {hint}")  # the line that names a mistake (the class report ranks them)
USES_BUILT_IN = N_("{item} uses {used}, a built-in this exercise asks you to write yourself "
                   "(not allowed here: {allowed}). Use tensor operations instead.")


class CheckFailure(AssertionError):
    """A check found a wrong result; its message is shown to the student."""


def fail(what, expected, received, hint=None):
    lines = [what, "  " + _("expected: {expected}").format(expected=expected),
             "  " + _("received: {received}").format(received=received)]
    if hint:
        lines.append("  " + _(HINT).format(hint=hint))
    raise CheckFailure("\n".join(lines))


def describe(value):
    if isinstance(value, torch.Tensor):
        return _("a tensor of shape {shape} and dtype {dtype}").format(
            shape=tuple(value.shape), dtype=str(value.dtype).removeprefix('torch.'))
    if isinstance(value, Opaque):
        return _("an object of type {type} (not a torch.Tensor)").format(type=value.type_name)
    if isinstance(value, (tuple, list)):
        return _("a {kind} of {count} items").format(kind=type(value).__name__, count=len(value))
    return f"{type(value).__name__} {value!r}"[:200]


def assert_tensor(value, what, shape=None):
    if not isinstance(value, torch.Tensor):
        fail(_("{what} should be a torch.Tensor.").format(what=what),
             _("a torch.Tensor of shape {shape}").format(shape=tuple(shape)) if shape else _("a torch.Tensor"),
             describe(value), not_a_tensor_hint(value))
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(_("{what} has the wrong shape.").format(what=what), _("shape {shape}").format(shape=tuple(shape)),
             _("shape {shape}").format(shape=tuple(value.shape)),
             shape_mistake_hint(tuple(value.shape), tuple(shape))
             or _("check which dimension is batch, time and features, and the orientation of your weights"))


def not_a_tensor_hint(value):
    """What a classic non-tensor result says about the code that returned it, or None."""
    if isinstance(value, list) and value and all(isinstance(v, torch.Tensor) for v in value):
        return _("you returned a Python list of tensors: combine them into one tensor (torch.stack or torch.cat)")
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (bool, int, float)) for v in value):
        return _("return a tensor (torch.tensor(...)), not a Python {kind} of numbers").format(
            kind=type(value).__name__)
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (tuple, list, torch.Tensor)) for v in value):
        return _("this result is a single tensor, not a tuple: return a flat tuple of tensors, "
                 "without nesting one tuple in another")
    if isinstance(value, np.ndarray) or (isinstance(value, Opaque) and "ndarray" in value.type_name):
        return _("return a torch.Tensor, not a numpy array: stay in torch (numpy also cuts the gradients)")
    if isinstance(value, (bool, int, float)):
        return _("return a tensor, not a Python number (no .item(), float(...) or int(...) on the result)")
    return None


def shape_mistake_hint(got, expected):
    """A hint for a result of shape ``got`` that should be ``expected``, when the difference names a mistake."""
    if got == tuple(d for d in expected if d != 1) and got != expected:
        return _("keep the dimensions of size 1 (a batch of 1 is still a batch): no .squeeze()")
    if len(got) == len(expected) and sorted(got) == sorted(expected) and len(set(expected)) == len(expected):
        if len(got) == 2:
            return _("your result is transposed: swap its two dimensions (or check x @ weight.T)")
        return _("the dimensions are in the wrong order: check which one is batch, which time and which features")
    if len(got) == len(expected) + 1 and 1 in got and tuple(d for d in got if d != 1) == \
            tuple(d for d in expected if d != 1):
        return _("there is an extra dimension of size 1: remove it (e.g. .squeeze(k) of that dimension only)")
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
    largest, wanted, got = float(diff.flatten()[worst]), float(e.flatten()[worst]), float(a.flatten()[worst])
    if where:
        fail(_("{what} has wrong values (largest difference {difference:.3g} at index {index}).").format(
                 what=what, difference=largest, index=where),
             _("{value:.6g} at index {index}").format(value=wanted, index=where),
             _("{value:.6g} at index {index}").format(value=got, index=where), hint)
    else:
        fail(_("{what} has wrong values (largest difference {difference:.3g}).").format(
                 what=what, difference=largest), f"{wanted:.6g}", f"{got:.6g}", hint)



def generic_value_hint(a, e, atol=1e-6, rtol=1e-5):
    """A hint for values ``a`` (float64) that should be ``e``, when they are a known transformation of ``e``:
    the opposite sign, two dimensions swapped, one dimension reversed; else None."""
    def same(x):
        return x.shape == a.shape and torch.allclose(a, x, atol=atol, rtol=rtol, equal_nan=True)

    if len(set(e.flatten().tolist())) < 3:  # shrunk examples (zeros and ones): too many transformations coincide
        return None
    found = []
    if same(-e):
        found.append(_("your values have the opposite sign: check the sign of each term (a - b versus b - a)"))
    for i in range(e.dim()):
        for j in range(i + 1, e.dim()):
            if e.shape[i] == e.shape[j] > 1 and same(e.transpose(i, j)):
                found.append(_("dimensions {first} and {second} of your result are swapped: check which dimension "
                               "is which (and the orientation of the weights: x @ weight.T)").format(first=i, second=j))
    for i in range(e.dim()):
        if e.shape[i] > 1 and same(e.flip(i)):
            found.append(_("your result is in reverse order along dimension {dim}").format(dim=i))
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
        hint = _("return both results as one tuple: return {names}").format(names=names.strip('()'))
        if isinstance(result, (tuple, list)):
            hint = _("return exactly two results, {names}").format(names=names)
        fail(_("{what} should return a pair {names}.").format(what=what, names=names), _("a tuple of 2 tensors"),
             describe(result), hint)
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
    return {_("{module} computes what your {function} computes, and {function} is wrong: "
              "fix {function} first (its own check says how)").format(module=module, function=function): theirs}


def assert_number_close(actual, expected, what, atol=1e-6, rtol=1e-5, hint=None):
    if isinstance(actual, torch.Tensor) and actual.numel() == 1:
        actual = actual.item()
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        fail(_("{what} should be a number (or a 0-dim tensor).").format(what=what), f"{expected:.6g}",
             describe(actual))
    if not math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol):
        fail(_("{what} is wrong.").format(what=what), f"{expected:.6g}", f"{actual:.6g}", hint)


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
        fail(_("This item grades your trained model, saved as {name}.").format(name=name),
             _("{name} handed in beside your notebook").format(name=name), str(exc), how_to_save)
    try:
        checkpoint = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # anything torch's safe loader refuses
        fail(_("{name} could not be loaded with torch.load({name!r}, weights_only=True).").format(name=name),
             _("a file written by torch.save of a dict of tensors, numbers and strings"),
             f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}", how_to_save)
    if not isinstance(checkpoint, dict) or not set(keys) <= set(checkpoint):
        fail(_("{name} should hold a dict with the entries {keys}.").format(name=name, keys=sorted(keys)),
             _("a dict with keys {keys}").format(keys=sorted(keys)),
             describe(checkpoint) if not isinstance(checkpoint, dict)
             else _("a dict with keys {keys}").format(keys=sorted(checkpoint)),
             how_to_save)
    state_dict, config = checkpoint.get("state_dict"), checkpoint.get("config")
    if not isinstance(state_dict, dict) or not all(isinstance(v, torch.Tensor) for v in state_dict.values()):
        fail(_("{name}: 'state_dict' should be your model's state_dict().").format(name=name),
             _("a dict of name -> tensor"), describe(state_dict), how_to_save)
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
        fail(_("{name}: 'config' should hold the constructor's keyword arguments.").format(name=name),
             _("a dict such as {{'vocab_size': ..., ...}}").format(),  # format: the braces are doubled
             describe(config), how_to_save)
    return checkpoint


def model_from_checkpoint(impl, class_name, checkpoint, name):
    """``class_name(**config)`` from the student's code, with the checkpoint's weights, in eval mode."""
    config = checkpoint["config"]
    call = f"{class_name}({', '.join(f'{k}={v!r}' for k, v in config.items())})"
    try:
        model = getattr(impl, class_name)(**config)
    except Exception as exc:  # raised by the student's class (in the worker: a StudentCodeError)
        fail(_("{name}: building {call} from the saved config failed.").format(name=name, call=call),
             _("a {class_name}").format(class_name=class_name), _error_text(exc),
             _("save the arguments you built the trained model with as 'config'"))
    try:
        model.load_state_dict(checkpoint["state_dict"])
    except Exception as exc:
        fail(_("{name}: the saved weights do not fit {call}.").format(name=name, call=call),
             _("every parameter name and shape as in your model"), _error_text(exc)[:600],
             _("save model.state_dict() of the model you trained, after training, "
               "together with the arguments you built it with"))
    model.eval()
    return model


def _error_text(exc):
    return f"{exc.kind}: {exc.message}" if isinstance(exc, StudentCodeError) else f"{type(exc).__name__}: {exc}"


# -- modules ------------------------------------------------------------------------------------

LAYOUT_HINT = N_("name and register parameters exactly as PyTorch does (nn.Parameter attributes, in that order)")


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
        if not hint or hint == LAYOUT_HINT:  # the default (a caller may also pass the constant itself)
            hint = _(LAYOUT_HINT)
        fail(_("{what} has the wrong parameters (state_dict keys).").format(what=what), list(expected), got, hint)
    for name, tensor in expected.items():
        assert_tensor(names[name], f"{what}.{name}")
        if tuple(names[name].shape) != tuple(tensor.shape):
            hint = shape_hint(name) if callable(shape_hint) else shape_hint
            if not hint and tensor.dim() == 2 and tuple(names[name].shape) == tuple(tensor.shape)[::-1]:
                hint = _("yours is the transpose: store {name} with PyTorch's shape {shape} (a Linear-style "
                         "weight is (out_features, in_features), used as x @ weight.T)").format(
                    name=name, shape=tuple(tensor.shape))
            fail(_("{what}.{name} has the wrong shape.").format(what=what, name=name),
                 _("shape {shape}").format(shape=tuple(tensor.shape)),
                 _("shape {shape}").format(shape=tuple(names[name].shape)), hint)
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
        raise StudentCodeError(exc.kind, f"{exc.message}\n" + _(HINT).format(hint=found),
                               exc.traceback) from None
    except (CheckFailure, pytest.fail.Exception):
        raise
    except Exception as exc:  # the in-process implementation raises the student's own exception
        found = _hint(hint, f"{type(exc).__name__}: {exc}")
        if not found:
            raise
        raise CheckFailure(_("{what} raised {kind}: {message}").format(what=what, kind=type(exc).__name__, message=exc)
                           + "\n  " + _(HINT).format(hint=found)) from None


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
    return False, _("no exception; returned {description}").format(description=describe(result))


def expect_value_error(fn, what, hint=None):
    ok, got = raises_value_error(fn)
    if not ok:
        fail(_("{what} should raise ValueError.").format(what=what), "ValueError", got, hint)
