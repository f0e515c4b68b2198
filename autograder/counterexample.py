"""A failing check's smallest example, written as the call a student would type.

Hypothesis reports the check's own arguments (``inputs=(tensor(...), ..., from_numpy(array(...)))``); a student
wants the call into their code that went wrong:

    lstm_gates(
        x=torch.tensor([[0.]], dtype=torch.float64),
        h=torch.tensor([[0.]], dtype=torch.float64),
        ...
    )

The implementation remembers the calls into student code of the example being run (``impl.calls``, a list of
``StudentCall``; the runner clears it when an example starts). After hypothesis shrinks a failure it runs the
smallest example once more, so the calls shown are the smallest example's. Arguments are named with the
reference's signature (the contract's names).
"""
import inspect

import torch

MAX_ARGUMENT_CHARS = 600


def calls_text(calls, reference):
    """The example's first call into student code, as source (and the call on what it built, when the first one
    constructs an object: ``RNNCell(3, 2)`` then ``your_RNNCell(x, h)``). Later calls are the checks' own
    diagnoses on other inputs: not shown."""
    first = calls[0]
    shown = [first]
    if first.of_item and inspect.isclass(getattr(reference, first.name, None)):
        shown += [call for call in calls[1:] if not call.of_item and call.name == first.name][:1]
    return "\n".join(call_text(call, reference) for call in shown)


def call_text(call, reference):
    """call: a StudentCall; reference: the week's solutions module. Python source of the call."""
    target = getattr(reference, call.name, None)
    try:
        if not call.of_item and inspect.isclass(target):  # an object the student's class made: its forward
            signature = inspect.signature(target.forward)
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        else:
            signature = inspect.signature(target)
        arguments = signature.bind(*call.args, **call.kwargs).arguments.items()
    except (TypeError, ValueError, AttributeError):  # nothing to name them by, or a call the contract does not allow
        arguments = [(None, a) for a in call.args] + list(call.kwargs.items())
    callee = call.name if call.of_item else f"your_{call.name}"
    parts = [(f"{name}=" if name else "") + value_text(value) for name, value in arguments]
    return f"{callee}(\n" + "".join(f"    {part},\n" for part in parts) + ")"


def value_text(value):
    """Source that rebuilds ``value`` (tensors as torch.tensor(...), detached)."""
    if isinstance(value, torch.Tensor):
        text = "torch." + repr(value.detach())
    elif isinstance(value, tuple):
        text = "(" + ", ".join(value_text(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    elif isinstance(value, list):
        text = "[" + ", ".join(value_text(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {value_text(v)}" for k, v in value.items()) + "}"
    elif isinstance(_handed_over(value), torch.nn.Module):  # a module the check handed to student code
        module = _handed_over(value)
        name = type(module).__name__
        text = f"torch.nn.{module!r}" if getattr(torch.nn, name, None) is type(module) else f"<the check's {name}>"
    else:
        text = repr(value)
    return text if len(text) <= MAX_ARGUMENT_CHARS else text[:MAX_ARGUMENT_CHARS] + " ..."


def _handed_over(value):
    """The module inside the grader's wrappers for what it hands to student code (``impl.trusted(module)``)."""
    return getattr(value, "module", None) or getattr(value, "_obj", None)
