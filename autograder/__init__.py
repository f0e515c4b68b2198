"""The rnn-course autograder.

Layers, arrows pointing one way (each imports only those above it):

- ``sandbox/``: runs student code in a separate, sandboxed process (the worker)
  and talks to it only in data (``sandbox/wire.py``: JSON plus safetensors).
- ``implementation``: what the hidden checks see, either a local namespace
  (reference solutions, CI) or a sandboxed worker (a student).
- ``checks/``: the hidden checks, pytest + hypothesis, one module per week,
  with ``solutions/`` as the oracle.
- ``runner``: runs the checks of a week against an implementation.
- ``nbgrader_ext``: small nbgrader preprocessors that plug the runner into
  ``nbgrader autograde``.
- ``cli``: the ``autograder`` command.
"""

import os as _os
import sys as _sys

# nbgrader runs the `alembic` command from PATH when it creates a gradebook: make it this environment's,
# however Python was started (e.g. `.venv/bin/python -m autograder` without an activated venv).
if _os.path.dirname(_sys.executable) not in _os.environ.get("PATH", "").split(_os.pathsep):
    _os.environ["PATH"] = _os.pathsep.join([_os.path.dirname(_sys.executable), _os.environ.get("PATH", "")])
