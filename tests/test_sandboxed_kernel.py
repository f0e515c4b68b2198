"""The notebook's kernel in the sandbox: what the warm sandbox imports for it, and how it is found ready."""
from queue import Empty

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.sandbox.bubblewrap import Bubblewrap, bubblewrap_problem
from autograder.sandbox.kernel import SandboxedKernelManager, _answer

CELLS = [
    # what the kernel had imported before the notebook's first line
    "import sys\nprint(sorted(m for m in ('matplotlib.pyplot', 'matplotlib.backends.backend_agg') if m in sys.modules))",
    "import matplotlib\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\n"
    "plt.show()\nprint(matplotlib.get_backend(), plt.get_fignums(), type(fig.canvas).__name__)",
    "print(sum(range(10)))",
]


def run_notebook(warm, folder):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    manager = SandboxedKernelManager(kernel_name="python3", launcher=Bubblewrap(warm=warm))
    NotebookClient(nb, km=manager, timeout=60, resources={"metadata": {"path": str(folder)}}).execute()
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]


@pytest.mark.slow
@pytest.mark.skipif(bubblewrap_problem() is not None, reason="no bubblewrap")
def test_a_warm_kernel_starts_with_matplotlib_imported_and_draws_as_a_fresh_one(tmp_path):
    warm, fresh = run_notebook(True, tmp_path), run_notebook(False, tmp_path)
    assert warm[0] == "['matplotlib.backends.backend_agg', 'matplotlib.pyplot']\n"  # the zygote's (public code)
    assert fresh[0] == "[]\n"
    assert warm[1:] == fresh[1:] == ["Agg [1] FigureCanvasAgg\n", "45\n"]


class Channel:
    """A kernel client's channel that hands out the given messages, then nothing."""

    def __init__(self, *messages):
        self.messages = list(messages)

    async def get_msg(self, timeout=None):
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def finish(coroutine):
    """The result of a coroutine that never waits (the channels above answer at once), without an event loop: the
    test must not depend on whether an earlier test left one running in this thread."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the coroutine waited")


def message(msg_type, parent, state=None):
    return {"msg_type": msg_type, "parent_header": {"msg_id": parent} if parent else {},
            "content": {"execution_state": state} if state else {}}


@pytest.mark.parametrize("messages, expected", [
    ([message("status", "ask", "busy"), message("stream", "ask"), message("status", "ask", "idle")], "idle"),
    ([message("status", "earlier", "idle"), message("status", "ask", "busy")], None),  # not this request's idle
    ([message("iopub_welcome", None), message("status", "ask", "idle")], None),  # connected only now: ask again
    ([], None),
])
def test_the_kernel_is_ready_once_iopub_shows_the_requests_idle(messages, expected):
    assert finish(_answer(Channel(*messages), "ask", 0.01, "status", "idle")) == expected


def test_a_reply_to_an_earlier_request_is_skipped():
    earlier, reply = message("kernel_info_reply", "earlier"), message("kernel_info_reply", "ask")
    assert finish(_answer(Channel(earlier, reply), "ask", 0.01, "kernel_info_reply")) is reply
