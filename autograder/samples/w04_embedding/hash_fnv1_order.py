"""Wrong: fnv1a_32 multiplies before the XOR, which is FNV-1, not FNV-1a."""

EXPECT = {"fnv1a_32": "multiplying first is FNV-1"}


def fnv1a_32(text):
    h = 2166136261
    for byte in text.encode("utf-8"):
        h = (h * 16777619) % 2**32
        h ^= byte
    return h
