"""The launcher of the tests that test grading, not the sandbox: the default one, forking workers from the warm
sandbox (the machine's zygote, started once per pytest process: autograder.sandbox.zygote), or no sandbox on a
machine without bubblewrap. A cold worker costs a Python start and an import of torch (2 s of CPU); a fork, 20 ms."""
from autograder.sandbox.launchers import choose_launcher


def warm_launcher(**kwargs):
    return choose_launcher("bubblewrap", allow_insecure=True, warm=True, **kwargs)
