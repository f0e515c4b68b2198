"""The wire between the grader and the worker: every value comes back as it was sent, and a frame is the
safetensors format whichever writer made it (NumPy's where it has the dtype, torch's otherwise)."""
import pytest
import torch
from safetensors.torch import save as safetensors_save

from autograder.sandbox import wire

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.uint8, torch.int8,
          torch.int32, torch.int64, torch.bool]


def round_trip(value):
    encoder = wire.Encoder()
    header = {"value": encoder.encode(value)}
    decoded, tensors = wire.unpack_header(wire.pack(header, encoder.tensors))
    return wire.Decoder(tensors).decode(decoded["value"])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_every_dtype_comes_back_equal(dtype):
    t = (torch.randn(3, 4) * 5).to(dtype)
    back = round_trip([t, t[:, 1:3], torch.zeros(0, 2, dtype=dtype), torch.tensor(1).to(dtype)])
    for sent, received in zip([t, t[:, 1:3], torch.zeros(0, 2, dtype=dtype), torch.tensor(1).to(dtype)], back):
        assert received.dtype == sent.dtype and received.shape == sent.shape and torch.equal(received, sent)


def test_views_with_conjugate_and_negative_bits_come_back_as_values():
    z = torch.randn(2, 3, dtype=torch.complex64)
    sent = [z.conj(), torch.neg(z.conj()).conj(), torch.randn(4, 2, dtype=torch.float64).t()]
    for s, r in zip(sent, round_trip(sent)):
        assert torch.equal(r, s.resolve_conj().resolve_neg())


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_frames_hold_the_bytes_safetensors_writes(dtype):
    tensors = {"t0": (torch.randn(2, 3) * 5).to(dtype), "t1": torch.arange(4).to(dtype)}
    frame = wire.pack({}, tensors)
    assert frame.endswith(safetensors_save(tensors))


def test_a_corrupt_blob_is_refused():
    frame = bytearray(wire.pack({"a": 1}, {"t0": torch.ones(3)}))
    blob = 12 + int.from_bytes(frame[:4], "little")  # u32 json_len | json | u64 blob_len | blob
    frame[blob:blob + 8] = b"\xff" * 8  # the safetensors header claims an impossible length
    with pytest.raises(wire.WireError, match="corrupt message"):
        wire.unpack_header(bytes(frame))
