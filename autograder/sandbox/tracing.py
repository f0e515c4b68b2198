"""Detects forbidden built-ins while student code runs.

A pattern names what an item asks the student to build, e.g. ``torch.nn.RNN*``
(modules), ``torch.rnn_tanh*`` (torch functions) or
``torch.nn.utils.clip_grad*`` (Python functions). Three guards record a use:

1. a ``TorchFunctionMode`` sees every torch function call, whatever alias or
   private path (``torch._VF``) reached it, and matches its ``__name__``;
2. a global module forward pre-hook sees every ``nn.Module`` call and matches
   the torch classes in the module's MRO (so subclassing ``nn.RNNCell`` counts);
3. module-level guards replace matching Python functions in their modules
   with recording wrappers (``clip_grad_norm_`` never reaches a torch function
   by that name).

Calls made by trusted objects the grader hands to student code (a reference
``nn.GRUCell`` passed as ``cell``) run with tracing suspended.
This module imports nothing from the autograder (it is copied into the sandbox).
"""
import contextlib
import fnmatch
import functools
import importlib
import inspect

import torch
import torch.nn as nn
from torch.overrides import TorchFunctionMode

# Modules where a guarded Python function may also be reachable by another name.
_ALIAS_MODULES = (
    "torch", "torch.functional", "torch.nn.functional", "torch.nn.utils", "torch.nn.utils.clip_grad",
    "torch.nn.utils.parametrizations", "torch.nn.utils.weight_norm", "torch.autograd",
)


def _split(pattern):
    module, _, name = pattern.rpartition(".")
    return module, name


class _Mode(TorchFunctionMode):
    def __init__(self, tracer):
        super().__init__()
        self.tracer = tracer

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.tracer.saw_function(func)
        return func(*args, **(kwargs or {}))


class ForbiddenTracer:
    """Records which forbidden patterns are used while ``tracing()`` is active."""

    def __init__(self, patterns):
        self.patterns = sorted(set(patterns))
        self.found = set()
        self._active = False
        self._suspended = 0
        self._name_globs = {}  # name glob -> patterns, for torch functions
        self._uses_by_name = {}  # torch function name -> the (pattern, label) pairs a call of it records
        self._classes = {}  # torch.nn class -> (pattern, label)
        for pattern in self.patterns:
            module_name, glob = _split(pattern)
            self._name_globs.setdefault(glob, []).append(pattern)
            module = _import(module_name)
            if module is None:
                continue
            for attr in _matching_attributes(module, glob):
                obj = getattr(module, attr)
                if inspect.isclass(obj) and issubclass(obj, nn.Module):
                    self._classes[obj] = (pattern, f"{module_name}.{attr}")
                elif inspect.isfunction(obj):
                    self._guard_function(obj, pattern, f"{module_name}.{attr}")
        nn.modules.module.register_module_forward_pre_hook(self._module_hook)

    # -- recording ---------------------------------------------------------
    def _recording(self):
        return self._active and self._suspended == 0

    def saw_function(self, func):
        if not self._recording():
            return
        name = getattr(func, "__name__", "")
        name = name if type(name) is str else ""
        uses = self._uses_by_name.get(name)
        if uses is None:  # matched once per name: a check makes tens of thousands of torch calls
            uses = self._uses_by_name[name] = [
                (pattern, f"torch.{name}" if "." not in pattern[6:] else f"{_split(pattern)[0]}.{name}")
                for glob, patterns in self._name_globs.items() if fnmatch.fnmatchcase(name, glob)
                for pattern in patterns]
        self.found.update(uses)

    def _module_hook(self, module, args):
        if not self._recording():
            return
        for cls in type(module).__mro__:
            if cls in self._classes:
                self.found.add(self._classes[cls])

    def _guard_function(self, func, pattern, label):
        tracer = self

        @functools.wraps(func)
        def guarded(*args, **kwargs):
            if tracer._recording():
                tracer.found.add((pattern, label))
            return func(*args, **kwargs)

        guarded.__rnn_course_guard__ = True
        for module_name in _ALIAS_MODULES:
            module = _import(module_name)
            if module is None:
                continue
            for attr, value in list(vars(module).items()):
                if value is func:
                    setattr(module, attr, guarded)

    # -- scopes ------------------------------------------------------------
    @contextlib.contextmanager
    def tracing(self):
        """Record forbidden uses inside this block."""
        self._active = True
        try:
            with _Mode(self):
                yield self
        finally:
            self._active = False

    @contextlib.contextmanager
    def suspended(self):
        """Run trusted code (handed over by the grader) without recording."""
        self._suspended += 1
        try:
            yield
        finally:
            self._suspended -= 1

    def take(self):
        """Return and clear what was found so far: a sorted list of [pattern, what was called]."""
        found, self.found = sorted([list(f) for f in self.found]), set()
        return found


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _matching_attributes(module, glob):
    return [a for a in dir(module) if fnmatch.fnmatchcase(a, glob)]


class Trusted:
    """Wraps an object from the grader so that calling it is never traced."""

    def __init__(self, obj, tracer):
        self._obj = obj
        self._tracer = tracer

    def __call__(self, *args, **kwargs):
        with self._tracer.suspended():
            return self._obj(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._obj, name)
