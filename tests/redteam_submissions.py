"""Hostile and broken w01_rnn submissions for tests/test_redteam.py.

Each ``Hostile`` starts from the reference answers (``course.make_submission``)
and changes answer cells, adds code at the top of an answer cell, or breaks the
submitted notebook file itself. ``expect`` lists the items it must lose (score
0 of 2); every other item keeps 2 of 2. ``reasons`` are phrases that must show
in the autograded notebook's outputs or in the student's feedback HTML.

Attacks that could hurt this machine if the sandbox failed are tamed where the
real repository is concerned: they only *look* at /work/main (never delete or
rewrite its gradebook), but do their worst on the temporary course root, whose
path they embed as a literal (a real attacker could guess it).
"""
import json
from dataclasses import dataclass

import nbformat

from autograder import course
from autograder.notebooks import is_answer_cell, nbgrader_meta, solution_sources

WEEK = "w01_rnn"
ITEMS = ["rnn_cell", "RNNCell", "rnn_forward", "hidden_grad_norms", "clip_grad_norm"]
POINTS = 2.0
REPO = "/work/main"
# A value only the grader's environment holds; no feedback may ever show it.
GRADER_SECRET_NAME = "RNN_COURSE_REDTEAM_SECRET"
GRADER_SECRET_VALUE = "grader-secret-7f3a9c1e"
# Marker files the escape attempts try to create (they must never appear outside the sandbox).
MARKER = "REDTEAM-WAS-HERE"
FLOOD_LINES = 10**7
# An honest student graded after the submissions that stop stock nbgrader's batch.
CANARY = "zzz-honest-after-batch-stoppers"


def all_passed(item):
    """The feedback line of an item whose every hidden check passed, e.g. "rnn_cell: 6 of 6 hidden checks passed"."""
    from autograder.runner import check_module
    module = check_module(WEEK)
    count = sum(1 for name, f in vars(module).items() if name.startswith("test_") and callable(f)
                and any(m.name == "item" and m.args[0] == item for m in getattr(f, "pytestmark", [])))
    return f"{item}: {count} of {count} hidden checks passed"


@dataclass
class Hostile:
    name: str  # student id
    title: str
    build: object  # build(root, name) writes submitted/NAME/w01_rnn/...
    expect: tuple = ()  # items that must score 0 (all others: full marks)
    reasons: tuple = ()  # phrases that must be visible to the student ("a | b": either; any case)
    xfail: str = ""  # why the desired behaviour is not there yet ("" = it is)
    forbid: tuple = ()  # phrases that must NOT be visible (leaks)

    def scores(self):
        return {item: (0.0 if item in self.expect else POINTS, POINTS) for item in ITEMS}


# -- notebook surgery --------------------------------------------------------------------------

def reference_nb(root):
    return course.make_submission(WEEK, {}, root=root)


def cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def with_answers(root, replacements=None, prepend=None):
    """The reference notebook; ``replacements`` {item: source} replace answer cells and
    ``prepend`` {item: code} goes at the top of an answer cell (before its definition)."""
    nb = reference_nb(root)
    sources = {**solution_sources(WEEK), **(replacements or {})}
    for c in nb.cells:
        if is_answer_cell(c):
            grade_id = nbgrader_meta(c)["grade_id"]
            c.source = sources[grade_id]
            if prepend and grade_id in prepend:
                c.source = prepend[grade_id].rstrip() + "\n\n\n" + c.source
    return nb


def writer(make_nb):
    def build(root, name):
        course.write_submission(make_nb(root), name, WEEK, root=root)
    return build


def answers(replacements=None, prepend=None):
    return writer(lambda root: with_answers(root, replacements, prepend))


def literal(root):
    return repr(str(root))


# -- the snippets ----------------------------------------------------------------------------

PATCHED_COMPARISONS = """\
import numpy
import numpy.testing
import torch
import torch.testing
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.isclose = lambda a, b, *args, **kwargs: torch.ones_like(a, dtype=torch.bool)
torch.testing.assert_close = lambda *args, **kwargs: None
numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.zeros(x.shape[0], weight_ih.shape[0], dtype=x.dtype)
"""

AST_TRANSFORMER = """\
import ast as _ast


class _SwallowEveryError(_ast.NodeTransformer):
    \"\"\"Wraps every later cell in try/except BaseException: pass.\"\"\"

    def visit_Module(self, node):
        handler = _ast.ExceptHandler(type=_ast.Name("BaseException", _ast.Load()), name=None, body=[_ast.Pass()])
        node.body = [_ast.Try(body=node.body or [_ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]
        return _ast.fix_missing_locations(node)


try:
    get_ipython().ast_transformers.append(_SwallowEveryError())
    print("AST transformer installed")
except NameError:  # not in IPython
    pass
"""

WRONG_CLIP = """\
def clip_grad_norm(parameters, max_norm):
    return torch.tensor(float(max_norm))
"""


def read_instructor_source(root):
    return f"""\
import json
import pathlib

GUESSES = [{literal(root)}, {REPO!r}]
RELATIVE = ["solutions/w01_rnn.py", "assignments/w01_rnn/w01_rnn.ipynb", "source/w01_rnn/w01_rnn.ipynb"]


def _instructor_source():
    starts = [pathlib.Path.cwd()] + [pathlib.Path(g) for g in GUESSES]
    for start in starts:
        for folder in [start, *start.parents]:
            for relative in RELATIVE:
                try:
                    text = (folder / relative).read_text()
                except OSError:
                    continue
                if relative.endswith(".py"):
                    return text
                cells = json.loads(text)["cells"]
                return "\\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return None


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    source = _instructor_source()
    if source is None:
        raise FileNotFoundError("instructor files not visible from here")
    namespace = {{}}
    exec("import math\\nimport torch\\nimport torch.nn as nn\\n" + source, namespace)
    return namespace["rnn_cell"](x, h, weight_ih, weight_hh, bias_ih, bias_hh)
"""


def detached_writer(root):
    payload = f"""
import os, pathlib, sqlite3, time
time.sleep(3)
targets = [pathlib.Path({literal(root)}) / "gradebook.db"]
targets += [p / "gradebook.db" for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]]
deadline = time.time() + 900  # outlives the whole batch if it ever escapes
while time.time() < deadline:
    for target in targets:
        if str(target).startswith({REPO!r} + "/") or not target.exists():
            continue  # never the real repository's gradebook
        try:
            (target.parent / {MARKER + "-detached"!r}).write_text("a detached process escaped")
            db = sqlite3.connect(str(target), timeout=1)
            db.execute("UPDATE grade SET manual_score = 99")
            db.commit()
            db.close()
        except Exception:
            pass
    time.sleep(1)
"""
    return f"""\
import os
import subprocess
import sys

_PAYLOAD = {payload!r}
# 1. a double fork with setsid, the grandchild exec'ing the payload
_child = os.fork()
if _child == 0:
    try:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", _PAYLOAD])
    finally:
        os._exit(0)
os.waitpid(_child, 0)
# 2. nohup + setsid from the shell tools
try:
    subprocess.Popen(["setsid", "nohup", sys.executable, "-c", _PAYLOAD], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
except OSError as exc:
    print("nohup failed:", exc)
print("detached gradebook writers started")
"""


def delete_gradebook(root):
    return f"""\
import os
import pathlib

_candidates = [pathlib.Path({literal(root)}) / "gradebook.db", pathlib.Path({REPO!r}) / "gradebook.db"]
_candidates += [p / "gradebook.db" for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]]
_seen = []
for _path in _candidates:
    if _path.exists():
        _seen.append(str(_path))
        if not str(_path).startswith({REPO!r} + "/"):  # never the real repository's gradebook
            try:
                _path.unlink()
            except OSError as exc:
                _seen.append(repr(exc))
print("gradebooks visible from here:", _seen or "none")
"""


EXIT_IN_FORWARD = """\
def rnn_forward(cell, xs, h0=None):
    import os
    os._exit(3)
"""

SEGFAULT_IN_CELL = """\
def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    import ctypes
    ctypes.string_at(0)
"""

ENDLESS_CLIP = """\
def clip_grad_norm(parameters, max_norm):
    while True:
        pass
"""

IGNORE_SIGINT = """\
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
"""

MEMORY_BOMB = """\
def rnn_forward(cell, xs, h0=None):
    blocks = []
    while True:
        blocks.append(bytearray(2**28))
"""

FORK_BOMB = """\
def hidden_grad_norms(cell, xs):
    import os
    import time
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.05)
"""

FLOOD = f"""\
import sys
_chunk = "flood line\\n" * 10_000
for _ in range({FLOOD_LINES} // 10_000):
    sys.stdout.write(_chunk)
"""

PATCHED_BUILTINS = """\
import builtins
import math
builtins.abs = lambda value: 0
builtins.round = lambda *args, **kwargs: 0
builtins.AssertionError = type("AssertionError", (Exception,), {})
math.isclose = lambda *args, **kwargs: True
"""

WRONG_CLIP_TOTAL = """\
def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    return sum(g.abs().sum() for g in grads)  # the L1 norm, not the L2 norm
"""

FAKE_TENSOR = """\
class FakeTensor:
    \"\"\"Claims to be a torch.Tensor of any shape, equal to everything.\"\"\"

    shape = property(lambda self: torch.Size([1]))
    dtype = torch.float64
    __class__ = property(lambda self: torch.Tensor)

    def __eq__(self, other):
        return True

    def __len__(self):
        return 1


def hidden_grad_norms(cell, xs):
    return FakeTensor()
"""

ALWAYS_EQUAL = """\
class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


def clip_grad_norm(parameters, max_norm):
    return AlwaysEqual(0.0)
"""

TENSOR_SUBCLASS = """\
class Agreeable(torch.Tensor):
    \"\"\"A tensor that says it equals (and is close to) anything.\"\"\"

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("allclose", "equal"):
            return True
        if name in ("isclose", "eq", "__eq__"):
            return torch.ones(args[0].shape, dtype=torch.bool)
        return super().__torch_function__(func, types, args, kwargs or {})


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    wrong = torch.zeros(x.shape[0], weight_ih.shape[0], dtype=x.dtype)
    return wrong.as_subclass(Agreeable)
"""

LEAK = f"""\
import glob
import os
import sys

# spelled in pieces, so that this source (shown in the feedback) does not match what the test looks for
_JPY, _WORK = "JP" + "Y_", "/wo" + "rk"
_MARKERS = ("SECRET", _JPY, _WORK, "PATH=", "HOME=", "nbgrader", "gradebook")


def _leak():
    found = [f"environ: {{k}}={{v}}" for k, v in os.environ.items()]
    for path in ["/proc/self/environ", "/proc/self/cmdline", "/proc/self/mountinfo"] + sorted(
            glob.glob("/proc/[0-9]*/environ") + glob.glob("/proc/[0-9]*/cmdline")):
        try:
            with open(path, "rb") as f:
                text = f.read().decode(errors="replace").replace("\\0", " ")
        except OSError:
            continue
        for part in text.replace("\\n", " ").split(" "):
            if any(marker in part for marker in _MARKERS):
                found.append(f"{{path}}: {{part}}")
    return sorted(set(found))


print("leaked:", *_leak(), sep="\\n")


def clip_grad_norm(parameters, max_norm):
    found = [line for line in _leak() if "SECRET" in line or _JPY in line or _WORK in line]
    raise RuntimeError("leaked: " + " | ".join(found)[:1900])
"""


def write_outside(root):
    return f"""\
import os
import pathlib

_targets = [pathlib.Path({literal(root)}), pathlib.Path({REPO!r}), pathlib.Path.home().parent,
            pathlib.Path.cwd().parent, pathlib.Path.cwd().parent.parent, pathlib.Path("/"), pathlib.Path("/tmp")]
_written = []
for _folder in _targets:
    try:
        (_folder / {MARKER!r}).write_text("written from student code")
        _written.append(str(_folder))
    except OSError as exc:
        pass
print("wrote marker files in:", _written)
"""


IMPORT_GRADER = f"""\
import sys


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    sys.path[:0] = [{REPO!r}, {REPO + "/solutions"!r}]
    try:
        import autograder  # noqa: F401
    except ImportError as exc:
        first = exc
    else:
        first = None
    import solutions.w01_rnn as reference  # raises where the grader is invisible
    if first is not None:
        raise first
    return reference.rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
"""

SLEEP_AT_IMPORT = """\
import time
time.sleep(1000)
"""

DETECT_INPUTS = """\
def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    # right where the visible checks look (float32, tiny shapes), wrong where the grader looks
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    if x.dtype == torch.float64 or x.shape[-1] > 3:
        return torch.sigmoid(pre)
    return torch.tanh(pre)
"""

HIDDEN_FORBIDDEN = """\
def rnn_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    step = getattr(torch, "rnn_" + "tanh_cell")
    return step(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
"""


# -- broken notebook files -------------------------------------------------------------------

def invalid_json(root, name):
    path = course.submission_path(name, WEEK, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(reference_nb(root))
    path.write_text(text[: len(text) // 2])  # cut in the middle


def non_utf8(root, name):
    nb = with_answers(root, prepend={"rnn_cell": "# Übung 1 — café, naïve, déjà vu"})
    path = course.submission_path(name, WEEK, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json.dumps(nb, ensure_ascii=False, indent=1).encode("latin-1", errors="replace"))


def deleted_answer_cell(root):
    nb = reference_nb(root)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != "rnn_cell"]
    return nb


def deleted_test_cell(root):
    """A wrong clip_grad_norm whose graded test cell is deleted (no test, no zero?)."""
    nb = with_answers(root, {"clip_grad_norm": WRONG_CLIP})
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != "test_clip_grad_norm"]
    return nb


def duplicated_cells(root):
    """The graded test cell of rnn_cell twice (double points?), and two answer cells for
    clip_grad_norm: a wrong one first, the right one last."""
    nb = reference_nb(root)
    test = cell(nb, "test_rnn_cell")
    nb.cells.insert(nb.cells.index(test) + 1, copy_of(test))
    answer = cell(nb, "clip_grad_norm")
    wrong = copy_of(answer)
    wrong.source = WRONG_CLIP
    nb.cells.insert(nb.cells.index(answer), wrong)
    return nb


def copy_of(c):
    """A copy of a cell, as JupyterLab's copy & paste makes it (same metadata, a new cell id)."""
    duplicate = nbformat.from_dict(json.loads(json.dumps(c)))
    duplicate.id = "copy-" + str(c.get("id", "x"))
    return duplicate


def retyped_cells(root):
    """The answer cell of rnn_forward and the test cell of clip_grad_norm made markdown,
    the test cell of rnn_cell made raw: nothing to run, nothing to fail?"""
    nb = reference_nb(root)
    for grade_id, kind in (("rnn_forward", "markdown"), ("test_clip_grad_norm", "markdown"),
                           ("test_rnn_cell", "raw")):
        c = cell(nb, grade_id)
        c.cell_type = kind
        c.pop("outputs", None)
        c.pop("execution_count", None)
    return nb


def points_100(root):
    """100 points on a test cell, and a wrong answer for it."""
    nb = with_answers(root, {"rnn_cell": PATCHED_COMPARISONS.split("\n\n\n")[-1]})
    cell(nb, "test_rnn_cell").metadata.nbgrader["points"] = 100
    return nb


def grade_on_answer_cell(root):
    """An answer cell marked as graded with 100 points."""
    nb = reference_nb(root)
    meta = cell(nb, "rnn_forward").metadata.nbgrader
    meta.update(grade=True, points=100)
    return nb


def ungraded_test_cell(root):
    """The test cell of a wrong answer made a (manually graded) answer cell, unlocked."""
    nb = with_answers(root, {"clip_grad_norm": WRONG_CLIP})
    meta = cell(nb, "test_clip_grad_norm").metadata.nbgrader
    meta.update(grade=False, solution=True, locked=False)
    return nb


def wrong_kernel(root):
    nb = reference_nb(root)
    nb.metadata["kernelspec"] = {"name": "evil-kernel", "display_name": "Evil", "language": "brainfuck"}
    nb.metadata["language_info"] = {"name": "brainfuck"}
    return nb


def schema_version_4(root):
    """nbgrader metadata claiming a newer schema on an answer cell."""
    nb = reference_nb(root)
    cell(nb, "rnn_forward").metadata.nbgrader["schema_version"] = 4
    return nb


def empty_folder(root, name):
    course.submission_path(name, WEEK, root).parent.mkdir(parents=True, exist_ok=True)


def huge_folder(root, name):
    path = course.write_submission(reference_nb(root), name, WEEK, root=root)
    with open(path.parent / "training_data.bin", "wb") as f:
        f.truncate(300 * 2**20)  # sparse here; copies of it are not


# -- the list --------------------------------------------------------------------------------

# What happens now, where it falls short of "every notebook gets a row (graded, or zero with a
# clear reason), the batch goes on, a zero only for what is broken".
XFAIL = {
    "empty-folder": ("stock `nbgrader autograde` only warns 'No notebooks were matched' and skips the folder: no "
                     "row, no feedback (`autograder grade` gives it a row of zeros and the reason: tests/test_batch.py)"),
}
# What the sandbox still shows of the grader (the feedback of the leak-environment submission).
LEAK_XFAIL = ("/proc/self/mountinfo inside the sandbox names the source of each bind, e.g. '/work/main/.venv' mounted "
              "at /opt/course-env: the course folder's path, not its contents (nothing under it is bound besides the "
              "read-only virtual environment and course_data). Hiding it would need a copy of the environment per "
              "sandbox")


def hostile_submissions(root):
    """The hostile submissions. Those that stopped the whole nbgrader batch (SchemaTooOldError /
    SchemaTooNewError are fatal in nbgrader's convert_notebooks) are named zz-* so that they are
    graded last (nbgrader goes through students in sorted order); the honest CANARY after them
    shows that the batch went on."""
    hostile = [
        Hostile("patch-allclose", "torch.allclose & numpy.testing.assert_allclose patched to pass, rnn_cell wrong",
                answers({"rnn_cell": PATCHED_COMPARISONS}), ("rnn_cell",),
                ("rnn_cell(x, h, ...) has wrong values",)),
        Hostile("ast-transformer", "an IPython AST transformer swallowing every error, clip_grad_norm wrong",
                answers({"clip_grad_norm": WRONG_CLIP}, {"clip_grad_norm": AST_TRANSFORMER}), ("clip_grad_norm",),
                ("AST transformer installed", "the total norm returned by clip_grad_norm (list input")),
        Hostile("read-instructor-source", "walks up from cwd (and guesses) to exec the instructor's solutions",
                answers({"rnn_cell": read_instructor_source(root)}), ("rnn_cell",),
                ("instructor files not visible from here",)),
        Hostile("detached-writer", "double fork / setsid / nohup: a process that rewrites gradebook.db later",
                answers(prepend={"hidden_grad_norms": detached_writer(root)}), (),
                ("detached gradebook writers started", all_passed("hidden_grad_norms"))),
        Hostile("delete-gradebook", "deletes gradebook.db (walking up from cwd, the course root, /work/main)",
                answers(prepend={"rnn_forward": delete_gradebook(root)}), (),
                ("gradebooks visible from here: none",)),
        Hostile("kernel-exit", "os._exit(3) inside rnn_forward: the kernel dies in the visible check",
                answers({"rnn_forward": EXIT_IN_FORWARD}), ("rnn_forward",), ("exited with status 3",)),
        Hostile("kernel-segfault", "a segmentation fault (ctypes.string_at(0)) inside rnn_cell",
                answers({"rnn_cell": SEGFAULT_IN_CELL}), ("rnn_cell",), ("segmentation fault",)),
        Hostile("endless-loop", "while True: pass in clip_grad_norm",
                answers({"clip_grad_norm": ENDLESS_CLIP}), ("clip_grad_norm",), ("did not finish within",)),
        Hostile("ignore-sigint", "SIGINT and SIGTERM ignored, then an endless loop in clip_grad_norm",
                answers({"clip_grad_norm": ENDLESS_CLIP}, {"clip_grad_norm": IGNORE_SIGINT}), ("clip_grad_norm",),
                ("did not finish within",)),
        Hostile("memory-bomb", "rnn_forward allocates 256 MiB blocks until something gives",
                answers({"rnn_forward": MEMORY_BOMB}), ("rnn_forward",),
                ("MemoryError | did not finish within | killed",)),
        Hostile("fork-bomb", "hidden_grad_norms forks forever (also called by the plot cell)",
                answers({"hidden_grad_norms": FORK_BOMB}), ("hidden_grad_norms",), ("did not finish within",)),
        Hostile("output-flood", f"{FLOOD_LINES:.0e} lines of output from an answer cell",
                answers(prepend={"rnn_cell": FLOOD}), (), ("Output truncated",)),
        Hostile("invalid-json", "the notebook file cut in half (invalid JSON)", invalid_json, tuple(ITEMS),
                ("not a valid notebook",)),
        Hostile("non-utf8", "the notebook file saved as Latin-1", non_utf8, tuple(ITEMS), ("not UTF-8",)),
        Hostile("deleted-answer-cell", "the answer cell of rnn_cell deleted",
                writer(deleted_answer_cell), ("rnn_cell",), ("name 'rnn_cell' is not defined",)),
        Hostile("deleted-test-cell", "the graded test cell of a wrong clip_grad_norm deleted",
                writer(deleted_test_cell), ("clip_grad_norm",),
                ("the total norm returned by clip_grad_norm (list input",)),
        Hostile("retyped-cells", "an answer cell and two test cells retyped as markdown / raw",
                writer(retyped_cells), (), (all_passed("rnn_forward"),)),
        Hostile("points-100", "points = 100 on the test cell of a wrong rnn_cell",
                writer(points_100), ("rnn_cell",), ("rnn_cell(x, h, ...) has wrong values",)),
        Hostile("grade-on-answer-cell", "grade = true, points = 100 on the answer cell of rnn_forward",
                writer(grade_on_answer_cell), (), (all_passed("rnn_forward"),)),
        Hostile("ungraded-test-cell", "the test cell of a wrong clip_grad_norm made an unlocked answer cell",
                writer(ungraded_test_cell), ("clip_grad_norm",),
                ("the total norm returned by clip_grad_norm (list input",)),
        Hostile("wrong-kernel", "kernelspec 'evil-kernel' (language brainfuck)",
                writer(wrong_kernel), (), (all_passed("clip_grad_norm"),)),
        Hostile("empty-folder", "an empty submission folder", empty_folder, tuple(ITEMS),
                ("no notebook | not submitted | missing",)),
        Hostile("huge-folder", "a 300 MB file beside the notebook", huge_folder, (),
                (all_passed("rnn_cell"),)),
        Hostile("patch-builtins", "abs/round/AssertionError and math.isclose patched, clip_grad_norm wrong",
                answers({"clip_grad_norm": WRONG_CLIP_TOTAL}, {"clip_grad_norm": PATCHED_BUILTINS}),
                ("clip_grad_norm",), ("the gradient of parameter 0 after clipping | the total norm returned by clip_grad_norm (list input",)),
        Hostile("eq-tricks", "an object faking a tensor (__class__, __eq__) and a float equal to everything",
                answers({"hidden_grad_norms": FAKE_TENSOR, "clip_grad_norm": ALWAYS_EQUAL}),
                ("hidden_grad_norms", "clip_grad_norm"),
                ("received: an object of type FakeTensor (not a torch.Tensor)",
                 "the total norm returned by clip_grad_norm (list input")),
        Hostile("tensor-subclass", "a torch.Tensor subclass whose comparisons always agree, rnn_cell wrong",
                answers({"rnn_cell": TENSOR_SUBCLASS}), ("rnn_cell",), ("should be a torch.Tensor",)),
        Hostile("leak-environment", "prints os.environ and /proc/*/environ|cmdline, raises them from clip_grad_norm",
                answers({"clip_grad_norm": LEAK}), ("clip_grad_norm",), ("leaked:",),
                forbid=(GRADER_SECRET_VALUE, "JPY_", REPO)),
        Hostile("write-outside", "writes marker files in the course root, /work/main, /, parents of cwd",
                answers(prepend={"RNNCell": write_outside(root)}), (), ("wrote marker files in:",)),
        Hostile("import-grader", "import autograder / import solutions (sys.path pointed at /work/main)",
                answers({"rnn_cell": IMPORT_GRADER}), ("rnn_cell",), ("No module named 'solutions'",)),
        Hostile("sleep-at-import", "time.sleep(1000) at the top of an answer cell",
                answers(prepend={"hidden_grad_norms": SLEEP_AT_IMPORT}), ("hidden_grad_norms",),
                ("ran longer than the time limit",)),
        Hostile("detect-inputs", "right on float32 / small inputs (the visible checks), wrong on float64",
                answers({"rnn_cell": DETECT_INPUTS}), ("rnn_cell",),
                ("use tanh, not sigmoid, for the new hidden state",)),
        Hostile("hidden-forbidden", "torch.rnn_tanh_cell reached through getattr(torch, 'rnn_' + 'tanh_cell')",
                answers({"rnn_cell": HIDDEN_FORBIDDEN}), ("rnn_cell",), ("uses torch.rnn_tanh_cell",)),
        # graded last: stock nbgrader stops the whole batch at them
        Hostile("zz-duplicated-cells", "a graded test cell duplicated, an answer cell duplicated (wrong copy first)",
                writer(duplicated_cells), (), (all_passed("rnn_cell"),)),
        Hostile("zz-schema-version-4", "nbgrader schema_version 4 on an answer cell",
                writer(schema_version_4), (), (all_passed("rnn_forward"),)),
    ]
    for h in hostile:
        h.xfail = XFAIL.get(h.name, "")
    return hostile
