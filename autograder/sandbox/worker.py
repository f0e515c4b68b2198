"""The worker: the only process that runs a student's answer cells for grading.

Run as a script (``python worker.py``) inside the sandbox. It reads requests on
stdin and writes replies on stdout, both in the format of ``wire.py``; the
student's own prints go to /dev/null. It executes the answer cells once, then
serves calls (``call``, ``getattr``) on what they defined. Everything it sends
back is data; the grader compares it with the reference itself.

Requests:
    {"op": "setup", "patterns": [...]}                    -> {"ok": true}
    {"op": "exec", "id": str, "source": str}              -> {"ok": true, "error": null | {...}, "names": [...]}
    {"op": "call", "target": T, "args": [...], "kwargs": {...}, "backward": G | null}
        -> {"ok": true, "result": R, "arg_grads": [...], "param_grads": {...}, "forbidden": [...]}
    {"op": "getattr", "target": T, "name": str} -> {"ok": true, "result": R, "forbidden": [...]}
    {"op": "rng_state"}                                   -> {"ok": true, "result": fingerprint of the global RNGs}
A request may carry "cpu_seconds": the CPU time it may use (see ``charge_cpu``).
A ``call``, ``getattr`` or ``rng_state`` may carry "seed": the global RNGs are seeded with it first (a new check begins).
A ``call`` or ``getattr`` may carry "reference": [names]: those names of the student's namespace are answered by
the grader's reference while the current check lasts (``GraderFunction``); calling one sends the grader a question
{"callback": "call" | "vjp", "name", "args", "kwargs", "grad_outputs"} and waits for {"ok", "result" | "grads"}
before the request's own reply. A ``call`` or ``getattr`` may also carry "answers": [[digest, tensor key], ...], the
grader's answers (packed messages, as uint8 tensors) to the questions the reference's code asked in the current check
(``wire.digest`` of each packed question): a question found there is answered from it, without asking; each such
list replaces the previous one.
A failing call replies {"ok": false, "error": {"type", "message", "traceback"}, "forbidden": [...]}.
This module imports nothing from the autograder (it is copied into the sandbox).
"""
import builtins
import io
import os
import signal
import sys
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Run with -I (no PYTHONPATH, no current folder): the launcher's PYTHONPATH names where the student-safe packages
# (course_data) are, the ones the grader uses too; they come before the environment's installed copies.
for _entry in reversed([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]):
    sys.path.insert(1, _entry)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import randomness  # noqa: E402
import tracing  # noqa: E402
import wire  # noqa: E402

MAX_ITERATOR_ITEMS = 10_000


class Worker:
    def __init__(self, ask_grader=None):
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.objects = {}
        self.tracer = None
        self.ask_grader = ask_grader  # packed question -> (header, tensors): a question to the grader mid-call
        self.known_answers = {}  # digest of a packed question -> the grader's packed answer (the current check's)
        self.shadowed = {}  # name -> the student's own definition, while the grader's reference stands in for it

    def use_reference(self, names):
        """Bind ``names`` to the grader's reference (GraderFunction) and give back every other shadowed name."""
        for name in [n for n in self.shadowed if n not in names]:
            original = self.shadowed.pop(name)
            if original is _UNDEFINED:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = original
        for name in names:
            if isinstance(name, str) and name not in self.shadowed:
                self.shadowed[name] = self.namespace.get(name, _UNDEFINED)
                self.namespace[name] = GraderFunction(self, name)

    # -- encoding of what the base wire format does not know ---------------
    def encode_object(self, encoder, value):
        if isinstance(value, (types.GeneratorType, map, filter, zip, enumerate)) or type(value).__name__.endswith("iterator"):
            items = []
            for item in value:
                items.append(item)
                if len(items) > MAX_ITERATOR_ITEMS:
                    break
            return {"list": [encoder.encode(v) for v in items]}
        if isinstance(value, nn.Module) or callable(value):
            key = len(self.objects) + 1
            self.objects[key] = value
            return {"handle": key, "type": type(value).__name__, "module": isinstance(value, nn.Module)}
        return None

    def decode_object(self, decoder, tree):
        if "handle" in tree:
            if tree["handle"] not in self.objects:
                raise wire.WireError(f"unknown handle {tree['handle']!r}")
            return self.objects[tree["handle"]]
        if "name" in tree:
            name = tree["name"]
            if name not in self.namespace:
                raise NameError(f"name '{name}' is not defined (did its answer cell run without errors?)")
            return self.namespace[name]
        if "trusted_module" in tree or "trusted_script" in tree:
            # Sent by the grader (trusted): a reference object to hand to student code.
            key = tree.get("trusted_module") or tree.get("trusted_script")
            data = io.BytesIO(decoder.tensor(key).numpy().tobytes())
            obj = torch.jit.load(data) if "trusted_script" in tree else torch.load(data, weights_only=False)
            return tracing.Trusted(obj, self.tracer)
        if "iterator" in tree:
            return iter([decoder.decode(v) for v in tree["iterator"]])
        if "torch_generator" in tree:
            gen = torch.Generator()
            gen.set_state(decoder.tensor(tree["torch_generator"]).clone())
            return gen
        raise wire.WireError(f"unknown value tag {sorted(tree)!r}")

    # -- requests ----------------------------------------------------------
    def handle(self, header, tensors):
        op = header.get("op")
        if isinstance(header.get("cpu_seconds"), (int, float)):
            charge_cpu(header["cpu_seconds"])
        if op == "setup":
            self.tracer = tracing.ForbiddenTracer(header.get("patterns", []))
            return {"ok": True}, {}
        if op == "exec":
            return self.exec_cell(header)
        if isinstance(header.get("seed"), int):
            randomness.seed_all(header["seed"])
        if isinstance(header.get("reference"), list):
            self.use_reference(header["reference"])
        if isinstance(header.get("answers"), list):
            self.known_answers = _known_answers(header["answers"], tensors)
        if op == "rng_state":
            return {"ok": True, "result": randomness.fingerprint(), "forbidden": []}, {}
        decoder = TrackingDecoder(tensors, self.decode_object)
        target = decoder.decode(header["target"])
        if op == "getattr":
            with self.tracer.tracing():
                result = getattr(target, header["name"])
            return self.reply(result)
        if op == "call":
            args = decoder.decode(header.get("args", {"list": []}))
            kwargs = decoder.decode(header.get("kwargs", {"dict": {}}))
            module = _module_of(target)
            if module is not None:
                for p in module.parameters():
                    p.grad = None
            with self.tracer.tracing():
                result = target(*args, **kwargs)
            extra = {}
            if header.get("backward") is not None:
                grad_output = decoder.decode(header["backward"])
                outputs, grads = _pair_tensors(result, grad_output)
                if outputs:
                    torch.autograd.backward(outputs, grads)
            encoder = wire.Encoder(self.encode_object)
            extra["arg_grads"] = [encoder.encode(t.grad) for t in decoder.decoded_tensors]
            if module is not None:
                extra["param_grads"] = encoder.encode(
                    {name: p.grad for name, p in module.named_parameters() if p.grad is not None})
            return self.reply(result, encoder, extra)
        raise wire.WireError(f"unknown op {op!r}")

    def reply(self, result, encoder=None, extra=None):
        encoder = encoder or wire.Encoder(self.encode_object)
        header = {"ok": True, "result": encoder.encode(result), "forbidden": self.tracer.take()}
        header.update(extra or {})
        return header, encoder.tensors

    def exec_cell(self, header):
        error = None
        try:
            code = compile(_strip_magics(str(header["source"])), f"<cell {header['id']}>", "exec")
            exec(code, self.namespace)
        except BaseException as exc:  # SystemExit included: a cell must not stop the worker
            error = _format_exception(exc)
        self.tracer.take()
        names = [n for n in self.namespace if isinstance(n, str) and not n.startswith("_")][:10_000]
        return {"ok": True, "error": error, "names": names}, {}


_UNDEFINED = object()


class GraderFunction:
    """An item the check's item builds on, computed by the grader with the reference solution.

    Student code calls it like the function it replaces; the arguments (data only) go back to the grader, which
    answers with the reference's result, and, when a gradient flows through it, with the reference's gradients
    (``_ThroughGrader``). No reference code ever enters this process."""

    def __init__(self, worker, name):
        self.worker, self.__name__ = worker, name

    def __call__(self, *args, **kwargs):
        inputs = wire.tensor_leaves((args, kwargs))
        if not (torch.is_grad_enabled() and any(t.requires_grad for t in inputs)):
            return self.ask("call", args, kwargs)
        spec = {}
        outputs = _ThroughGrader.apply(self, args, kwargs, spec, *inputs)
        return _rebuild(spec["result"], iter(outputs))

    def ask(self, question, args, kwargs, grad_outputs=None):
        encoder = wire.Encoder()
        header = {"callback": question, "name": self.__name__, "args": encoder.encode(list(args)),
                  "kwargs": encoder.encode(dict(kwargs))}
        if grad_outputs is not None:
            header["grad_outputs"] = encoder.encode(list(grad_outputs))
        with self.worker.tracer.suspended():
            packed = wire.pack(header, encoder.tensors)
            known = self.worker.known_answers.get(wire.digest(packed)) if self.worker.known_answers else None
            reply, tensors = wire.unpack_header(known) if known is not None else self.worker.ask_grader(packed)
        if not reply.get("ok"):
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            kind = getattr(builtins, str(error.get("type")), None)  # the reference's ValueError stays a ValueError
            kind = kind if isinstance(kind, type) and issubclass(kind, Exception) else RuntimeError
            raise kind(str(error.get("message", "the reference failed")))
        return wire.Decoder(tensors).decode(reply.get("grads" if question == "vjp" else "result"))


class _ThroughGrader(torch.autograd.Function):
    """The reference's result as a differentiable function of its tensor arguments: forward and backward are
    both answered by the grader."""

    @staticmethod
    def forward(ctx, function, args, kwargs, spec, *inputs):
        result = function.ask("call", args, kwargs)
        spec["result"] = _placeholders(result)
        outputs = wire.tensor_leaves(result)
        ctx.function, ctx.args, ctx.kwargs = function, args, kwargs
        ctx.mark_non_differentiable(*[o for o in outputs if not o.is_floating_point()])
        return tuple(outputs)

    @staticmethod
    def backward(ctx, *grad_outputs):
        grads = ctx.function.ask("vjp", ctx.args, ctx.kwargs, grad_outputs)
        return (None, None, None, None, *grads)


class _Slot:
    """Where a tensor stood in a result (see _placeholders)."""


def _placeholders(value):
    if isinstance(value, torch.Tensor):
        return _Slot()
    if isinstance(value, (tuple, list)):
        return type(value)(_placeholders(v) for v in value)
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    return value


def _rebuild(value, tensors):
    if isinstance(value, _Slot):
        return next(tensors)
    if isinstance(value, (tuple, list)):
        return type(value)(_rebuild(v, tensors) for v in value)
    if isinstance(value, dict):
        return {k: _rebuild(v, tensors) for k, v in value.items()}
    return value


def charge_cpu(seconds):
    """Stop this process (SIGXCPU) once the request has used ``seconds`` more of CPU time: time limits charge the
    student's code for the work it does, not for the machine's load (the grader keeps a wall-clock backstop)."""
    import math
    import resource
    used = resource.getrusage(resource.RUSAGE_SELF)
    total = used.ru_utime + used.ru_stime + seconds
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = max(1, math.ceil(total))
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


class TrackingDecoder(wire.Decoder):
    """Remembers every tensor it decodes, in order, so grads can be sent back."""

    def __init__(self, tensors, decode_object):
        super().__init__(tensors, decode_object)
        self.decoded_tensors = []

    def decode(self, tree, depth=0):
        value = super().decode(tree, depth)
        if isinstance(tree, dict) and "tensor" in tree:
            self.decoded_tensors.append(value)
        return value


def _module_of(target):
    if isinstance(target, nn.Module):
        return target
    owner = getattr(target, "__self__", None)
    return owner if isinstance(owner, nn.Module) else None


def _pair_tensors(output, grad):
    """Flatten matching (output, grad_output) structures into two lists."""
    if isinstance(output, torch.Tensor) and isinstance(grad, torch.Tensor):
        if output.requires_grad:
            return [output], [grad.to(output.dtype)]
        return [], []
    if isinstance(output, (tuple, list)) and isinstance(grad, (tuple, list)) and len(output) == len(grad):
        outs, grads = [], []
        for o, g in zip(output, grad):
            if g is None:
                continue
            a, b = _pair_tensors(o, g)
            outs += a
            grads += b
        return outs, grads
    raise TypeError(f"output of type {type(output).__name__} does not match the expected structure")


def _known_answers(entries, tensors):
    """{question digest: packed answer} from a request's "answers" and its uint8 tensors."""
    known = {}
    for entry in entries:
        if (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and entry[1] in tensors
                and tensors[entry[1]].dtype == torch.uint8):
            known[entry[0]] = tensors[entry[1]].numpy().tobytes()
    return known


def _strip_magics(source):
    lines = source.splitlines()
    return "\n".join("pass  # " + l if l.lstrip().startswith(("%", "!")) else l for l in lines)


def _format_exception(exc):
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    # Keep only frames from the student's cells: the worker's own are noise.
    kept = [tb[0]] + [f for f in tb[1:-1] if "<cell " in f] + [tb[-1]]
    return {"type": type(exc).__name__, "message": _safe_str(exc), "traceback": "".join(kept)[-4000:]}


def _safe_str(exc):
    try:
        return str(exc)[:2000]
    except Exception:
        return "<message could not be printed>"


def main():
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)

    def read_exact(n):
        chunks, remaining = [], n
        while remaining:
            chunk = proto_in.read(remaining)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    # at the CPU limit of a request (charge_cpu) leave as a process killed by SIGXCPU would; also as PID 1 of a
    # sandbox, where the kernel does not deliver a signal that has no handler
    signal.signal(signal.SIGXCPU, lambda *_: os._exit(128 + signal.SIGXCPU))
    def ask_grader(question):
        wire.write_packed(proto_out, question)
        return wire.read_frame(read_exact)

    worker = Worker(ask_grader)
    while True:
        try:
            header, tensors = wire.read_frame(read_exact)
        except EOFError:
            return
        try:
            reply, reply_tensors = worker.handle(header, tensors)
        except BaseException as exc:
            forbidden = worker.tracer.take() if worker.tracer else []
            reply, reply_tensors = {"ok": False, "error": _format_exception(exc), "forbidden": forbidden}, {}
        try:
            wire.write_frame(proto_out, reply, reply_tensors)
        except wire.WireError as exc:
            error = {"type": "WireError", "message": str(exc), "traceback": ""}
            wire.write_frame(proto_out, {"ok": False, "error": error, "forbidden": []}, {})


if __name__ == "__main__":
    main()
