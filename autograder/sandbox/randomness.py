"""The global random state of the process that runs student code: seeded per check, and fingerprinted.

Before every hidden check the state is seeded from the check's identity, so a verdict never depends on what ran
before it or on the process's start-up seed. A fingerprint (a hash of every global generator's state) taken
before and after a call tells whether the call drew from the global state. This module imports nothing from the
autograder (it is copied into the sandbox).
"""
import hashlib
import random

import numpy as np
import torch


def check_seed(check_id):
    """A 32-bit seed for a check, from its identity (week and test name): the same wherever the course lives."""
    return int.from_bytes(hashlib.sha256(str(check_id).encode()).digest()[:4], "little")


def seed_torch(seed):
    """torch.manual_seed on this CPU-only build: the same state, without queueing a seed for every accelerator
    torch knows (three stack captures, 1-2 ms per call, paid hundreds of times per submission)."""
    torch.default_generator.manual_seed(seed)


def seed_all(seed):
    """Seed torch's, Python's and NumPy's global generators."""
    random.seed(seed)
    np.random.seed(seed)
    seed_torch(seed)


def fingerprint():
    """A hash of the global generators' states: changes when anything draws from them or reseeds them."""
    digest = hashlib.sha256(torch.get_rng_state().numpy().tobytes())
    digest.update(repr(random.getstate()).encode())
    name, keys, pos, has_gauss, cached = np.random.get_state()
    digest.update(keys.tobytes() + repr((name, pos, has_gauss, cached)).encode())
    return digest.hexdigest()
