"""Wrong: fnv1a_32 hashes the characters' code points instead of the UTF-8 bytes (wrong for non-ASCII words)."""

EXPECT = {"fnv1a_32": "not the characters' code points"}


def fnv1a_32(text):
    h = 2166136261
    for ch in text:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h
