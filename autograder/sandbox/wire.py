"""The data format between the grader and the worker that runs student code.

A message is a JSON tree plus a safetensors blob holding its tensors. Loading
one never executes code, so the grader can read whatever a hostile worker
sends. Framing: ``u32 json_len | json | u64 blob_len | blob`` (little endian).

The tree encodes Python values as tagged JSON:
    None, bool, int, float, str      -> themselves (floats as {"float": "nan"} etc. when not finite)
    list / tuple / dict[str, ...]    -> {"list": [...]}, {"tuple": [...]}, {"dict": {...}}
    torch.Tensor                     -> {"tensor": "t3", "grad": "t4" | None, "requires_grad": bool}
    torch.dtype                      -> {"dtype": "float64"}
    a remote object                  -> {"handle": 7, "type": "RNNCell"}
    anything else                    -> {"opaque": "type name", "repr": "..."}
This module imports nothing from the autograder (it is copied into the sandbox).
"""
import hashlib
import json
import math
import struct

import torch
from safetensors.numpy import save as _st_save_numpy
from safetensors.torch import load as _st_load
from safetensors.torch import save as _st_save

MAX_MESSAGE_BYTES = 256 * 2**20
MAX_ITEMS = 100_000


class WireError(Exception):
    """A message that does not follow the format (corrupt, too large, too deep)."""


class Encoder:
    """Turns a Python value into (tree, tensors). ``encode_object`` handles
    values the base format does not know (returning a tree) or returns None."""

    def __init__(self, encode_object=None):
        self.tensors = {}
        self.encode_object = encode_object
        self.sent = []  # the tensor values encoded, in order (to match grads sent back)
        self._count = 0

    def add_tensor(self, t):
        key = f"t{len(self.tensors)}"
        t = t.detach()
        if t.is_conj():
            t = t.resolve_conj()
        self.tensors[key] = t.contiguous().clone()
        return key

    def encode(self, value, depth=0):
        self._count += 1
        if depth > 50 or self._count > MAX_ITEMS:
            raise WireError("value is too large or too deeply nested to send")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if type(value) is int else int(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else {"float": repr(float(value))}
        if isinstance(value, torch.Tensor):
            if type(value) is not torch.Tensor and not isinstance(value, torch.nn.Parameter):
                return {"opaque": type(value).__name__, "repr": "a subclass of torch.Tensor"}
            grad = value.grad if value.is_leaf else None
            self.sent.append(value)
            return {
                "tensor": self.add_tensor(value),
                "grad": None if grad is None else self.add_tensor(grad),
                "requires_grad": bool(value.requires_grad),
            }
        if isinstance(value, torch.dtype):
            return {"dtype": str(value).removeprefix("torch.")}
        if isinstance(value, torch.Size):
            return {"tuple": [int(v) for v in value]}
        if type(value) is tuple:
            return {"tuple": [self.encode(v, depth + 1) for v in value]}
        if type(value) is list:
            return {"list": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, dict) and all(type(k) is str for k in value):
            return {"dict": {k: self.encode(v, depth + 1) for k, v in value.items()}}
        if self.encode_object is not None:
            tree = self.encode_object(self, value)
            if tree is not None:
                return tree
        return {"opaque": type(value).__name__, "repr": _short_repr(value)}


def _short_repr(value):
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not break encoding
        text = "<repr failed>"
    return text if len(text) <= 200 else text[:200] + "..."


class Decoder:
    """Turns (tree, tensors) back into values. ``decode_object`` handles the
    tags the base format does not know (e.g. handles)."""

    def __init__(self, tensors, decode_object=None):
        self.tensors = tensors
        self.decode_object = decode_object

    def tensor(self, key):
        if not isinstance(key, str) or key not in self.tensors:
            raise WireError(f"unknown tensor reference {key!r}")
        return self.tensors[key]

    def decode(self, tree, depth=0):
        if depth > 60:
            raise WireError("message nested too deeply")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if not isinstance(tree, dict) or len(tree) == 0:
            raise WireError(f"malformed value {_short_repr(tree)}")
        if "tensor" in tree:
            t = self.tensor(tree["tensor"]).clone()
            if tree.get("requires_grad") and (t.is_floating_point() or t.is_complex()):
                t.requires_grad_(True)
            if tree.get("grad") is not None:
                t.grad = self.tensor(tree["grad"]).clone()
            return t
        if "float" in tree:
            return float(tree["float"])
        if "dtype" in tree:
            dtype = getattr(torch, str(tree["dtype"]), None)
            if not isinstance(dtype, torch.dtype):
                raise WireError(f"unknown dtype {tree['dtype']!r}")
            return dtype
        if "tuple" in tree:
            return tuple(self.decode(v, depth + 1) for v in _as_list(tree["tuple"]))
        if "list" in tree:
            return [self.decode(v, depth + 1) for v in _as_list(tree["list"])]
        if "dict" in tree:
            if not isinstance(tree["dict"], dict):
                raise WireError("malformed dict")
            return {str(k): self.decode(v, depth + 1) for k, v in tree["dict"].items()}
        if self.decode_object is not None:
            return self.decode_object(self, tree)
        raise WireError(f"unknown value tag {sorted(tree)!r}")


def _as_list(value):
    if not isinstance(value, list):
        raise WireError("malformed sequence")
    return value


def pack(header, tensors):
    """header: a JSON-able dict, tensors: dict[str, Tensor] -> bytes."""
    body = json.dumps(header, allow_nan=False).encode()
    blob = _save(tensors) if tensors else b""
    return struct.pack("<I", len(body)) + body + struct.pack("<Q", len(blob)) + blob


def _save(tensors):
    """safetensors bytes of ``tensors``, written through NumPy where it has their dtypes: the same bytes, about four
    times faster for the small tensors of a call (every call into student code packs twice)."""
    try:
        arrays = {key: t.numpy() for key, t in tensors.items()}
    except (TypeError, RuntimeError):  # bfloat16 and the other dtypes NumPy lacks
        return _st_save(tensors)
    return _st_save_numpy(arrays)


def unpack_header(data):
    """Split a frame's bytes into (header, tensors)."""
    try:
        (n,) = struct.unpack_from("<I", data, 0)
        header = json.loads(data[4 : 4 + n])
        (m,) = struct.unpack_from("<Q", data, 4 + n)
        blob = data[12 + n : 12 + n + m]
        if len(blob) != m or 12 + n + m != len(data):
            raise WireError("truncated message")
        tensors = _st_load(bytes(blob)) if m else {}
    except WireError:
        raise
    except Exception as exc:
        raise WireError(f"corrupt message ({type(exc).__name__}: {exc})") from None
    if not isinstance(header, dict):
        raise WireError("message header is not an object")
    return header, tensors


def tensor_leaves(value):
    """The tensors in a structure of tuples, lists and dicts, in order (both sides walk arguments this way)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in tensor_leaves(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensor_leaves(v)]
    return []


def digest(data):
    """A short name for a packed message: the grader's recorded answers are found by their question's."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_frame(stream, header, tensors):
    write_packed(stream, pack(header, tensors))


def write_packed(stream, data):
    """Write a message ``pack`` made, framed."""
    stream.write(frame(data))
    stream.flush()


def frame(data):
    """A message ``pack`` made, with its length first (``read_frame`` reads it back)."""
    return struct.pack("<Q", len(data)) + data


def read_frame(read_exact):
    """read_exact(n) -> bytes of exactly n bytes (or raises). Returns (header, tensors)."""
    (size,) = struct.unpack("<Q", read_exact(8))
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {size} bytes exceeds the {MAX_MESSAGE_BYTES} byte limit")
    return unpack_header(read_exact(size))
