"""The reference canary: before a class is graded, the week's reference solution is graded the same way.

Same sandbox, same time limits, same data packages, same hidden checks. If the reference does not score full
marks, something about this grading run is broken (a data package missing, the sandbox unable to import the
course's data, a time limit too tight for this machine), and every student would be graded wrongly: the run is
refused with the reason and the failing checks. It costs one submission per run (per grading process).
"""
from .notebooks import reference_cells
from .replay import BOOK, load_examples, save_examples
from .runner import check_module, grade_cells
from .submitted_files import SubmittedFiles

_PASSED = set()  # (week, sandbox, limits) already vouched for in this process
_FAILED = {}  # the same, refused: the reason (every later submission of the run is refused at once)


class ReferenceCanaryFailed(RuntimeError):
    """The reference solution failed the hidden checks in this grading environment: grading would be wrong."""


def check_reference(week, launcher, call_timeout, cell_timeout, log=None):
    """Grade the reference of ``week`` as a submission; raise ReferenceCanaryFailed unless it gets full marks."""
    key = (week, launcher.name, launcher.limits, float(call_timeout), float(cell_timeout))
    if key in _PASSED:
        return
    if key in _FAILED:
        raise ReferenceCanaryFailed(_FAILED[key])
    kept = load_examples(BOOK, week)  # the examples of an earlier canary on this machine: replayed, not recorded
    results, cell_errors = grade_cells(week, reference_cells(week), launcher, call_timeout, cell_timeout,
                                       SubmittedFiles.reference(week), record_answers=True)
    failed = [r for r in results.values() if not r.passed]
    errors = [f"  answer cell {cell}: {e['type']}: {e['message']}" for cell, e in cell_errors.items()]
    if failed or errors:
        lines = [f"Refusing to grade {week}: the reference solution does not score full marks here "
                 f"(sandbox: {launcher.name}, memory {launcher.limits.memory_bytes / 2**30:g} GiB, call limit "
                 f"{call_timeout:g} s, cell limit {cell_timeout:g} s), "
                 "so every grade of this run would be wrong. Fix the grading environment first."]
        if errors:
            lines += ["The reference's answer cells failed to run in the sandbox:", *errors]
        for result in failed:
            lines += [f"{result.item}:", *("  " + line for line in result.feedback.splitlines()[1:])]
        _FAILED[key] = "\n".join(lines)[:6000]
        raise ReferenceCanaryFailed(_FAILED[key])
    _PASSED.add(key)
    if not kept:
        save_examples(BOOK, week, check_module(week).__name__)
    if log is not None:
        log.info("Reference canary: the reference solution of %s scores full marks in this environment", week)
