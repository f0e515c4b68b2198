"""What the hidden checks receive as ``impl``: the implementation under test.

Both kinds offer the same small interface, so one check suite grades the
reference solutions in CI (``LocalImplementation``) and a student's notebook
(``SandboxedImplementation``) alike:

    impl.NAME(...)                      call an item (function or class)
    impl.call_with_grad(fn, *args, grad_output=g)
                                        call, backpropagate g, return GradResult
    impl.trusted(module)                hand a grader-made module to student code
    impl.take_forbidden()               forbidden built-ins used since last asked
    impl.begin_check(check_id, reference={name: function})
                                        a check begins: seed the global random state from its identity; the
                                        items the checked item builds on are computed by the reference
    impl.global_random_state()          a fingerprint of the global random state where student code runs

Student code only ever returns data: tensors, numbers, strings, containers,
and opaque handles to objects it created (modules, functions).
"""
import io
import types
from dataclasses import dataclass, field

import torch
import torch.nn as nn

from .messages import _
from .sandbox import randomness, wire
from .sandbox.client import WorkerFailure, WorkerProcess
from .sandbox.zygote import ZygoteError
from .sandbox.tracing import ForbiddenTracer, Trusted
from .submitted_files import SubmittedFiles


class StudentCodeError(Exception):
    """Student code raised, hung or crashed while a check called it."""

    def __init__(self, kind, message, traceback=""):
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind, self.message, self.traceback = kind, message, traceback


def first_error(exc):
    """The exception a check failed with, out of hypothesis' exception groups (flaky or multiple failures)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


class MissingDefinition(StudentCodeError, AttributeError):
    """An item the checks need is not defined by the student's code."""


_UNDEFINED = object()


def _is_internal(name):
    # pytest and hypothesis probe fixtures for attributes such as ``hypothesis_internal_*``.
    return name.startswith("_") or name.startswith("hypothesis") or name.startswith("pytest")


@dataclass
class GradResult:
    output: object
    input_grads: list  # one per positional argument (None where not a tensor or no grad)
    param_grads: dict = field(default_factory=dict)  # name -> grad, when fn is a module


@dataclass
class StudentCall:
    """A call into the student's code, as the grader made it: for a counterexample the student can paste."""
    name: str  # the item called (a function or a class), or the type of the object called (e.g. "RNNCell")
    args: tuple
    kwargs: dict
    of_item: bool  # True: ``name`` is the item itself; False: an object the student's code made


@dataclass(frozen=True)
class Opaque:
    """A value student code returned that is not data (e.g. an object faking a tensor)."""
    type_name: str
    text: str

    def __repr__(self):
        return f"<{self.type_name} object: {self.text}>"


def _float_args_as_leaves(args):
    return tuple(a.detach().clone().requires_grad_(a.is_floating_point()) if isinstance(a, torch.Tensor) else a
                 for a in args)


# --------------------------------------------------------------------------------------------
# In-process: reference solutions, and tests of the checks themselves
# --------------------------------------------------------------------------------------------

_TRACERS = {}


def _shared_tracer(patterns):
    key = tuple(sorted(set(patterns)))
    if key not in _TRACERS:
        _TRACERS[key] = ForbiddenTracer(key)
    return _TRACERS[key]


class LocalImplementation:
    """Items from a namespace in this process (a module or a dict of definitions)."""

    sandboxed = False

    def __init__(self, namespace, patterns=(), files=None):
        self._namespace = namespace if isinstance(namespace, dict) else vars(namespace)
        self._tracer = _shared_tracer(patterns)
        self._shadowed = {}  # name -> the student's definition, while the reference stands in for it
        self.calls = []  # the StudentCalls of the current check's example (autograder.counterexample)
        self.cell_errors = {}
        self.files = files or SubmittedFiles()  # what was handed in beside the notebook

    @classmethod
    def from_source(cls, cells, patterns=(), files=None):
        """cells: list of (cell id, source). Runs them in a fresh namespace, like a notebook."""
        namespace = {"__name__": "__main__"}
        impl = cls(namespace, patterns, files)
        for cell_id, source in cells:
            try:
                exec(compile(source, f"<cell {cell_id}>", "exec"), namespace)
            except Exception as exc:
                impl.cell_errors[cell_id] = {"type": type(exc).__name__, "message": str(exc), "traceback": ""}
        return impl

    def __getattr__(self, name):
        if _is_internal(name):
            raise AttributeError(name)
        if name not in self._namespace:
            raise MissingDefinition("NameError", _("name '{name}' is not defined").format(name=name))
        return _LocalProxy(self._namespace[name], self, name, of_item=True)

    def call_with_grad(self, fn, *args, grad_output, **kwargs):
        args = _float_args_as_leaves(args)
        module = _unwrap(fn)
        module = module if isinstance(module, nn.Module) else getattr(module, "__self__", None)
        if isinstance(module, nn.Module):
            module.zero_grad(set_to_none=True)
        output = fn(*args, **kwargs)
        outs, grads = _pair(output, grad_output)
        if outs:
            torch.autograd.backward(outs, grads)
        param_grads = {}
        if isinstance(module, nn.Module):
            param_grads = {n: p.grad.detach().clone() for n, p in module.named_parameters() if p.grad is not None}
        input_grads = [a.grad if isinstance(a, torch.Tensor) else None for a in args]
        return GradResult(_detach(output), input_grads, param_grads)

    def trusted(self, module):
        return Trusted(module, self._tracer)

    def take_forbidden(self):
        return self._tracer.take()

    def begin_check(self, check_id="", keep_failure=False, reference=None):
        self._tracer.take()
        self.calls = []
        randomness.seed_all(randomness.check_seed(check_id))
        if reference is not None:
            self._use_reference(reference)

    def _use_reference(self, reference):
        """The items of ``reference`` ({name: reference function}) stand in for the student's until the next call."""
        for name, original in self._shadowed.items():
            if original is _UNDEFINED:
                self._namespace.pop(name, None)
            else:
                self._namespace[name] = original
        self._shadowed = {}
        for name, function in reference.items():
            if self._namespace.get(name) is not function:  # the reference solutions themselves need no stand-in
                self._shadowed[name] = self._namespace.get(name, _UNDEFINED)
                self._namespace[name] = Trusted(function, self._tracer)

    def global_random_state(self):
        return randomness.fingerprint()

    def close(self):
        self._use_reference({})


class _LocalProxy:
    """Wraps a student object so that every call into it is traced (and remembered in ``impl.calls``)."""

    def __init__(self, obj, impl, name, of_item=False):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_impl", impl)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_of_item", of_item)

    def __call__(self, *args, **kwargs):
        args = tuple(_unwrap(a) for a in args)
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        self._impl.calls.append(StudentCall(self._name, args, kwargs, self._of_item))
        with self._impl._tracer.tracing():
            result = self._obj(*args, **kwargs)
            if isinstance(result, types.GeneratorType):
                result = list(result)  # as the worker sends it: data, not a live generator
        return _LocalProxy(result, self._impl, type(result).__name__) if isinstance(result, nn.Module) else result

    def __getattr__(self, name):
        value = getattr(self._obj, name)
        if callable(value) and not isinstance(value, (torch.Tensor, type)):
            return _LocalProxy(value, self._impl, type(value).__name__)
        return value

    def __setattr__(self, name, value):
        setattr(self._obj, name, value)

    def __repr__(self):
        return repr(self._obj)


def _unwrap(value):
    return object.__getattribute__(value, "_obj") if isinstance(value, _LocalProxy) else value


def _pair(output, grad):
    """Flatten matching (output, grad_output) structures; skip outputs without grad."""
    if isinstance(output, torch.Tensor) and isinstance(grad, torch.Tensor):
        return ([output], [grad.to(output.dtype)]) if output.requires_grad else ([], [])
    if isinstance(output, (tuple, list)) and isinstance(grad, (tuple, list)) and len(output) == len(grad):
        outs, grads = [], []
        for o, g in zip(output, grad):
            if g is not None:
                a, b = _pair(o, g)
                outs, grads = outs + a, grads + b
        return outs, grads
    raise StudentCodeError("TypeError", _("the output has type {type}, not the structure expected")
                           .format(type=type(output).__name__))


def _detach(value):
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (tuple, list)):
        return type(value)(_detach(v) for v in value)
    return value


# --------------------------------------------------------------------------------------------
# Sandboxed: a student's answer cells, run by a worker process
# --------------------------------------------------------------------------------------------

class _TrustedModule:
    def __init__(self, module):
        self.module = module


class SandboxedImplementation:
    """A student's answer cells executed in a worker process started by ``launcher``.

    A worker that hangs or dies is replaced before the next check; a cell that
    hangs or kills the worker is left out of the replacement, so items that do
    not depend on it can still earn their points.
    """

    sandboxed = True

    def __init__(self, cells, patterns, launcher, call_timeout=10.0, cell_timeout=60.0, files=None, stopped=None,
                 answers=None, record_answers=False):
        self.cells = list(cells)  # [(cell id, source)]
        # {cell id: error} of the answer cells the notebook's kernel stopped at its time limit: not run, and no
        # longer waited for once it appears (the kernel may run beside the checks and fill it while they run)
        self.stopped = stopped if stopped is not None else {}
        self.files = files or SubmittedFiles()  # read here, by the grader: data, never run
        self.patterns = sorted(set(patterns))
        self.launcher = launcher
        self.call_timeout = call_timeout
        self.cell_timeout = cell_timeout
        self.cell_errors = {}  # cell id -> {"type", "message", "traceback"}
        self._worker = None
        self._failure = None  # a WorkerFailure message that fails the rest of the current check fast
        self._forbidden = []
        self._names = None  # what the answer cells defined, once they ran
        self._seed = None  # seeds the worker's global random state with the next request (a check began)
        self._reference = {}  # name -> reference function: the items the checked item builds on
        self._reference_in_worker = None  # the names the worker has bound to the grader (None: tell it again)
        self.calls = []  # the StudentCalls of the current check's example (autograder.counterexample)
        self.sandbox_lost = False  # the warm sandbox itself died under a worker: not the student's doing
        # {check id: {question digest: packed answer}}: the grader's answers to the questions the reference's code
        # asked (its items built on, GraderFunction). The reference's run records them (record_answers); any other
        # run hands each check's to the worker, which answers those questions itself (autograder.replay)
        self.answers = answers
        self.record_answers = record_answers
        self.questions_answered = 0  # the questions the grader answered itself (tests)
        self._check_id = None
        self._answers_in_worker = None  # the check whose answers the worker holds

    # -- worker life cycle -------------------------------------------------
    def _start(self):
        while True:
            try:
                worker = WorkerProcess(self.launcher)
            except ZygoteError as exc:
                raise StudentCodeError("WorkerFailure", _("the grading process could not start ({error})")
                                       .format(error=exc)) from None
            try:
                worker.request({"op": "setup", "patterns": self.patterns}, {}, timeout=120)
                for cell_id, source in self.cells:
                    if cell_id in self.stopped:
                        self.cell_errors[cell_id] = dict(self.stopped[cell_id])
                    if cell_id in self.cell_errors and self.cell_errors[cell_id].get("fatal"):
                        continue
                    header, _tensors = worker.request(
                        {"op": "exec", "id": cell_id, "source": source, "cpu_seconds": self.cell_timeout}, {},
                        timeout=wall_clock_backstop(self.cell_timeout),
                        abort=lambda cell=cell_id: cell in self.stopped)
                    if header.get("error"):
                        self.cell_errors[cell_id] = _error_dict(header["error"])
                    names = header.get("names")
                    self._names = {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
                self._worker = worker
                self._reference_in_worker = []
                self._answers_in_worker = None
                return
            except WorkerFailure as exc:
                self.sandbox_lost = self.sandbox_lost or worker.sandbox_lost()
                worker.kill()
                if "cell_id" not in locals() or not self.cells:
                    raise StudentCodeError("WorkerFailure", _("the grading process could not start ({error})")
                                           .format(error=exc))
                if cell_id in self.stopped:
                    self.cell_errors[cell_id] = dict(self.stopped[cell_id])
                else:
                    reason = (_("it ran longer than the time limit ({seconds:g} s of CPU time)")
                              .format(seconds=self.cell_timeout) if _out_of_time(exc) else exc.translated())
                    self.cell_errors[cell_id] = {"type": "CellFailure", "message": reason, "traceback": "",
                                                 "fatal": True}
                del cell_id

    def begin_check(self, check_id="", keep_failure=False, reference=None):
        """Called before each check: a fresh start after a failure, and a seed from the check's identity.

        keep_failure: the check starts again after its first replayed example failed (autograder.replay): a call
        that ran out of time or crashed the worker there fails the rest of the check at once, as it would have."""
        if not keep_failure:
            self._failure = None
        self._forbidden = []
        self._check_id = check_id
        self._seed = randomness.check_seed(check_id)
        self.calls = []
        if reference is not None:
            self._reference = dict(reference)
        if self._worker is not None and self._worker.proc.poll() is not None:
            self._worker.kill()
            self._worker = None

    def close(self):
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    # -- requests ----------------------------------------------------------
    def _request(self, header, tensors):
        if self._failure is None:
            if self._worker is None:
                self._start()
            if self._seed is not None and header["op"] in ("call", "getattr", "rng_state"):
                header, self._seed = {**header, "seed": self._seed}, None
            if header["op"] in ("call", "getattr") and self._reference_in_worker != sorted(self._reference):
                header = {**header, "reference": sorted(self._reference)}
                self._reference_in_worker = sorted(self._reference)
            record = None
            if self.answers is not None and self.record_answers:
                record = self.answers.setdefault(self._check_id, {})
            elif self.answers is not None and header["op"] in ("call", "getattr") and \
                    self._answers_in_worker != self._check_id:
                header, tensors = self._with_answers(header, tensors)
            try:
                header = {**header, "cpu_seconds": self.call_timeout}
                reply, reply_tensors = self._worker.request(header, tensors,
                                                            timeout=wall_clock_backstop(self.call_timeout),
                                                            answer=self._answer_from_reference, record=record)
            except WorkerFailure as exc:
                self.sandbox_lost = self.sandbox_lost or self._worker.sandbox_lost()
                self._worker.kill()
                self._worker = None
                self._failure = (_("your code did not finish within {seconds:g} s of CPU time (an endless loop?)")
                                 .format(seconds=self.call_timeout) if _out_of_time(exc) else exc.translated())
        if self._failure is not None:
            # Later calls in the same check fail at once (hypothesis would otherwise retry for minutes).
            raise StudentCodeError("WorkerFailure", self._failure)
        self._forbidden += [f for f in reply.get("forbidden", []) if _is_pair(f)]
        decoder = wire.Decoder(reply_tensors, self._decode_object)
        if not reply.get("ok"):
            error = _error_dict(reply.get("error"))
            raise StudentCodeError(error["type"], error["message"], error["traceback"])
        return reply, decoder

    def _call(self, target, args, kwargs, backward=None):
        encoder = wire.Encoder(self._encode_object)
        header = {"op": "call", "target": target, "args": encoder.encode(list(args)),
                  "kwargs": encoder.encode(dict(kwargs))}
        sent = list(encoder.sent)
        if backward is not None:
            header["backward"] = encoder.encode(backward)
        reply, decoder = self._request(header, encoder.tensors)
        result = decoder.decode(reply.get("result"))
        grads = [decoder.decode(g) for g in reply.get("arg_grads", [])]
        if len(grads) == len(sent) and backward is None:
            for local, grad in zip(sent, grads):  # e.g. clip_grad_norm scales grads in place
                if isinstance(grad, torch.Tensor) and grad.shape == local.shape:
                    local.grad = grad
        param_grads = decoder.decode(reply.get("param_grads", {"dict": {}}))
        return result, grads, sent, param_grads

    def __getattr__(self, name):
        if _is_internal(name):
            raise AttributeError(name)
        if self._names is None and self._failure is None:
            self._start()
        if name not in (self._names or ()):
            raise MissingDefinition("NameError", _("name '{name}' is not defined (did its answer cell run without "
                                                   "errors?)").format(name=name))
        return RemoteObject(self, {"name": name}, name)

    def call_with_grad(self, fn, *args, grad_output, **kwargs):
        args = _float_args_as_leaves(args)
        if not isinstance(fn, RemoteObject):
            raise TypeError("call_with_grad needs a student object")
        self.calls.append(StudentCall(fn._type_name, args, kwargs, "name" in fn._target))
        output, grads, sent, param_grads = self._call(fn._target, args, kwargs, backward=grad_output)
        by_identity = {id(t): g for t, g in zip(sent, grads)}
        input_grads = [by_identity.get(id(a)) if isinstance(a, torch.Tensor) else None for a in args]
        return GradResult(output, input_grads, param_grads if isinstance(param_grads, dict) else {})

    def trusted(self, module):
        return _TrustedModule(module)

    def _with_answers(self, header, tensors):
        """The request with the current check's recorded answers (only that check's: each list replaces the last).

        Sorted by digest, not in the order the reference asked: student code that finds them in its process learns
        no sequence of results to hand back in turn, only answers to questions it has to ask exactly."""
        known = sorted(self.answers.get(self._check_id, {}).items())
        blobs = {f"a{i}": torch.frombuffer(bytearray(data), dtype=torch.uint8) for i, (_key, data) in enumerate(known)}
        self._answers_in_worker = self._check_id
        return {**header, "answers": [[key, f"a{i}"] for i, (key, _data) in enumerate(known)]}, {**tensors, **blobs}

    def _answer_from_reference(self, question, tensors):
        """The worker asks for the reference's result (or its gradients) of an item the checked item builds on."""
        self.questions_answered += 1
        try:
            function = self._reference.get(question.get("name"))
            if function is None:
                raise LookupError(f"{question.get('name')!r} is not computed by the grader in this check")
            decoder = wire.Decoder(tensors, _data_only)
            args, kwargs = decoder.decode(question.get("args")), decoder.decode(question.get("kwargs"))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise TypeError("malformed arguments")
            encoder = wire.Encoder()
            if question.get("callback") == "vjp":
                grads = _reference_gradients(function, args, kwargs, decoder.decode(question.get("grad_outputs")))
                return {"ok": True, "grads": encoder.encode(grads)}, encoder.tensors
            with torch.no_grad():
                return {"ok": True, "result": encoder.encode(function(*args, **kwargs))}, encoder.tensors
        except Exception as exc:  # the reference refuses the student's arguments as it would in a notebook
            return {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)[:2000]}}, {}

    def global_random_state(self):
        reply, _tensors = self._request({"op": "rng_state"}, {})
        return str(reply.get("result"))

    def take_forbidden(self):
        found, self._forbidden = self._forbidden, []
        return sorted({tuple(f) for f in found})

    # -- wire extensions ---------------------------------------------------
    def _encode_object(self, encoder, value):
        if isinstance(value, RemoteObject):
            return value._target
        if isinstance(value, _TrustedModule):
            # TorchScript modules travel without Python code; anything else is pickled and must be importable
            # in the sandbox (torch itself, or the student-safe course_data package)
            buffer = io.BytesIO()
            scripted = isinstance(value.module, torch.jit.ScriptModule)
            (torch.jit.save if scripted else torch.save)(value.module, buffer)
            key = encoder.add_tensor(torch.frombuffer(bytearray(buffer.getvalue()), dtype=torch.uint8))
            return {"trusted_script" if scripted else "trusted_module": key}
        if isinstance(value, torch.Generator):
            return {"torch_generator": encoder.add_tensor(value.get_state())}
        if hasattr(value, "__next__"):
            return {"iterator": [encoder.encode(v) for v in value]}
        return None

    def _decode_object(self, decoder, tree):
        if "handle" in tree:
            return RemoteObject(self, {"handle": int(tree["handle"])}, str(tree.get("type", "object")))
        if "opaque" in tree:
            return Opaque(str(tree["opaque"])[:100], str(tree.get("repr", ""))[:200])
        raise wire.WireError(f"unknown value tag {sorted(tree)[:3]!r}")


class RemoteObject:
    """A function, class, module or method that lives in the worker."""

    def __init__(self, impl, target, type_name):
        object.__setattr__(self, "_impl", impl)
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_type_name", type_name)

    def __call__(self, *args, **kwargs):
        self._impl.calls.append(StudentCall(self._type_name, args, kwargs, "name" in self._target))
        result, _grads, _sent, _param_grads = self._impl._call(self._target, args, kwargs)
        return result

    def __getattr__(self, name):
        if _is_internal(name):
            raise AttributeError(name)
        reply, decoder = self._impl._request({"op": "getattr", "target": self._target, "name": name}, {})
        return decoder.decode(reply.get("result"))

    def __repr__(self):
        return _("<your {type}>").format(type=self._type_name)


def _data_only(decoder, tree):
    raise wire.WireError(_("only data (tensors, numbers, strings and containers of them) can be handed to the "
                           "reference"))


def _reference_gradients(function, args, kwargs, grad_outputs):
    """Gradients of the reference's tensor outputs, weighted by ``grad_outputs``, with respect to each tensor
    argument (None where none flows)."""
    inputs = wire.tensor_leaves((args, kwargs))
    for t in inputs:
        if t.is_floating_point():
            t.requires_grad_(True)
    with torch.enable_grad():
        outputs = wire.tensor_leaves(function(*args, **kwargs))
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs or []) if isinstance(g, torch.Tensor) and o.requires_grad]
    wanted = [t for t in inputs if t.requires_grad]
    grads = dict(zip(map(id, wanted), torch.autograd.grad([o for o, _g in pairs], wanted, [g for _o, g in pairs],
                                                          allow_unused=True))) if pairs and wanted else {}
    return [grads.get(id(t)) for t in inputs]


def wall_clock_backstop(cpu_seconds):
    """Wall-clock seconds a request may take when it may use ``cpu_seconds`` of CPU time: a sleeping or blocked
    call is stopped too, and a busy machine does not cost a student the points of a correct answer."""
    return 2 * cpu_seconds + 5


def _out_of_time(failure):
    return str(failure) == "timeout" or "over the CPU time limit" in str(failure)


def _is_pair(value):
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _error_dict(error):
    error = error if isinstance(error, dict) else {}
    return {k: str(error.get(k, ""))[:4000] for k in ("type", "message", "traceback")}
