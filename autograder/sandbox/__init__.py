"""Running untrusted student code in a separate process.

Files in this folder that the worker imports (``worker.py``, ``wire.py``,
``tracing.py``) are copied into the sandbox as plain scripts: they import
nothing else from ``autograder``, so the sandbox never needs (or sees) the
hidden checks or the reference solutions.
"""
