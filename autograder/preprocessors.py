"""nbgrader preprocessors that grade with the trusted hidden checks.

They slot into ``nbgrader autograde`` (see ``nbgrader_config.py``), one step each:

    CollectAnswers -> StartHiddenChecks -> SandboxedExecute -> ... -> RunHiddenChecks -> ReportCheckResults
        -> SaveAutoGrades

(StartHiddenChecks starts the checks in a thread while the notebook runs; RunHiddenChecks takes their verdict.)

The kernel's run of the notebook only produces feedback: what decides a test
cell's score is the output ``ReportCheckResults`` writes from the checks that
ran in this process against a sandboxed worker: all or nothing per item (the
checks' error), or, with ``c.RunHiddenChecks.scoring = "per_check"``, the share of
the item's points its passed checks weigh (a number nbgrader reads as partial
credit).
"""
import functools
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from nbconvert.exporters.exporter import ResourcesDict
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Enum, Float, Unicode
from traitlets.config import Configurable

from . import messages
from .localize import Course
from .messages import N_, _
from .notebooks import cells_for_grading, nbgrader_meta
from .sandbox.launchers import Limits, choose_launcher
from .sandbox.zygote import ZygoteError
from .submitted_files import SubmittedFiles

# The grading machinery (.runner, .canary) imports torch: it is imported where it grades, so that the nbgrader
# commands that only read this configuration (generate_assignment, generate_feedback, export) start 1.3 s sooner.

KEY = "rnn_course"


# How the verdict in a graded test cell starts, and the notes before it (autograder.report reads them)
VERDICT = N_("Hidden checks (graded):")
NOT_GRADED = N_("Not graded: {reason}.")
CELL_FAILED = N_("Your answer cell for {item} failed to run: {error}: {message}")


class Sandbox(Configurable):
    """Where student code runs, for both the notebook's kernel and the checks' worker."""

    kind = Unicode("bubblewrap", help="How to isolate student code: 'bubblewrap' or 'none'.").tag(config=True)
    allow_insecure = Bool(False, help="Grade without a sandbox when none is available. Never for real grades.").tag(
        config=True)

    warm = Bool(True, help="Fork kernels and workers from a warm sandbox shared by the machine's grading processes "
                           "(each child isolated as a fresh sandbox), instead of starting a cold sandbox for each."
                ).tag(config=True)

    memory_gib = Float(6.0, help="Address space of each process that runs student code, in GiB (torch alone maps "
                                 "about 1.5).").tag(config=True)
    tmp_mib = Float(256.0, help="Size of the private /tmp of each process that runs student code, in MiB."
                    ).tag(config=True)

    def launcher(self):
        limits = Limits(memory_bytes=int(self.memory_gib * 2**30), tmp_bytes=int(self.tmp_mib * 2**20))
        return choose_launcher(self.kind, self.allow_insecure, limits=limits, warm=self.warm)


class ReferenceCanary(NbGraderPreprocessor):
    """Grades the week's reference solution first, with the same sandbox, limits and checks, and refuses to grade
    (every submission of the run fails with the reason) unless it scores full marks. Once per process and week."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        launcher = Sandbox(parent=self).launcher()
        if getattr(launcher, "warm", False):
            try:
                launcher.zygote(wait=False)  # it starts (1.7 s) while this process imports the grading machinery
            except ZygoteError:
                pass  # the canary reports it
        from .canary import ReferenceCanaryFailed, check_reference
        from .runner import week_items
        week = _week(resources)
        try:
            week_items(week)
        except ImportError:
            return nb, resources  # RunHiddenChecks says so
        checks = RunHiddenChecks(parent=self)
        try:
            check_reference(week, launcher, checks.call_timeout, checks.cell_timeout, log=self.log)
        except ReferenceCanaryFailed as exc:
            self.log.error("%s", exc)
            raise
        return nb, resources


class SandboxedExecute(Execute):
    """nbgrader's Execute, with the kernel started inside the sandbox.

    The kernel's run only gives feedback, so a kernel that dies or stops
    answering ends the run of the notebook, not its grading: the outputs so
    far are kept and the hidden checks still decide every item.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, *args, **kwargs):
        launcher = Sandbox(parent=self).launcher()
        if not launcher.insecure:
            from .sandbox.kernel import SandboxedKernelManager
            self.kernel_manager_class = SandboxedKernelManager
            if launcher.warm:
                try:
                    launcher.zygote()  # the machine's warm sandbox, started if none runs
                except ZygoteError as exc:
                    self.log.warning("Notebook not run: %s", exc)
                    resources.setdefault(KEY, {})["kernel_error"] = N_("the sandbox could not start")
                    return nb, resources
        else:
            self.log.warning("EXECUTING STUDENT CODE WITHOUT A SANDBOX (--insecure).")
        self._timed_out = resources.setdefault(KEY, {}).setdefault("timed_out", {})
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        except (DeadKernelError, CellTimeoutError) as exc:
            reason = (N_("the kernel died (your code crashed it or exited)") if isinstance(exc, DeadKernelError)
                      else N_("the kernel stopped answering (a cell ran too long)"))
            self.log.warning("Notebook execution stopped early: %s", reason)
            resources.setdefault(KEY, {})["kernel_error"] = reason
            return nb, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        # an answer cell that ran out of time here is not run (and waited for) a second time by the checks' worker
        grade_id = nbgrader_meta(cell).get("grade_id") if cell is not None else None
        if grade_id:
            self._timed_out[str(grade_id)] = timeout
        return await super()._async_handle_timeout(timeout, cell)


class RestoreCellMetadata(NbGraderPreprocessor):
    """Makes every cell's nbgrader metadata the instructor's, from the gradebook.

    Runs before ``OverwriteCells``. A student may change, copy or delete the
    metadata (mark an answer cell as graded, unmark a test cell, duplicate a
    cell, retype it); stock nbgrader then stops with an error and the whole
    submission is lost. Here a cell whose ``grade_id`` the instructor's
    notebook knows gets that cell's metadata and type back; any other
    nbgrader metadata (a copy, an invented id) is removed, so the cell is plain.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        from nbgrader.api import Gradebook
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            source = {c.name: c for c in notebook.source_cells}
            graded = {c.name: c.max_score for c in notebook.grade_cells}
            solutions = {c.name for c in notebook.solution_cells}
            seen = set()
            for index, cell in enumerate(nb.cells):
                meta = cell.get("metadata", {}).get("nbgrader")
                if meta is None:
                    continue
                grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
                if grade_id not in source or grade_id in seen:
                    del cell.metadata["nbgrader"]
                    continue
                seen.add(grade_id)
                restored = {"grade_id": grade_id, "grade": grade_id in graded, "solution": grade_id in solutions,
                            "locked": bool(source[grade_id].locked), "schema_version": 3}
                if grade_id in graded:
                    restored["points"] = graded[grade_id]
                if isinstance(meta, dict) and "checksum" in meta:
                    restored["checksum"] = meta["checksum"]
                cell.metadata["nbgrader"] = restored
                if cell.cell_type != source[grade_id].cell_type:
                    nb.cells[index] = _retyped(cell, source[grade_id].cell_type)
        return nb, resources


def _retyped(cell, cell_type):
    from nbformat.v4 import new_code_cell, new_markdown_cell
    make = new_code_cell if cell_type == "code" else new_markdown_cell
    return make(cell.source, metadata=cell.metadata)


def _week(resources):
    return resources.get("nbgrader", {}).get("notebook") or os.path.splitext(resources.get("unique_key", ""))[0]


class CollectAnswers(NbGraderPreprocessor):
    """Collects the setup and answer cells the hidden checks will run."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        resources.setdefault(KEY, {})
        resources[KEY]["week"] = _week(resources)
        resources[KEY]["cells"] = cells_for_grading(nb)
        # {answer cell id: seconds}: the cells the notebook's kernel stops at its time limit (SandboxedExecute); one
        # dict, shared with the checks when they run beside the kernel (StartHiddenChecks)
        resources[KEY]["timed_out"] = {}
        return nb, resources


class RunHiddenChecks(NbGraderPreprocessor):
    """Runs the week's hidden checks here, calling student code in a sandboxed worker (or waits for the run
    StartHiddenChecks began before the notebook ran)."""

    call_timeout = Float(10.0, help="Seconds one call into student code may take.").tag(config=True)
    cell_timeout = Float(60.0, help="Seconds one answer cell may take to run.").tag(config=True)
    scoring = Enum(["all_or_nothing", "per_check"], default_value="all_or_nothing", help=(
        "all_or_nothing: an item earns its points when every hidden check passes, else 0. per_check: every check "
        "of the item runs and the item earns the share of its points that its passed checks weigh (the weights "
        "are declared in the check modules).")).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        state = resources[KEY]
        started = state.pop("started", None)
        outcome = started.result() if started is not None else self.grade(state, resources)
        state.update(outcome)
        if "results" in outcome:
            self.log.info("%s: %d of %d items passed the hidden checks", state["week"],
                          sum(r.passed for r in outcome["results"].values()), len(outcome["results"]))
        return nb, resources

    def grade(self, state, resources):
        """The hidden checks' verdict on the collected answer cells: {"results", "cell_errors", ...} or
        {"error"}. Reads ``state`` only (it may run in StartHiddenChecks' thread)."""
        with messages.speaking(Course(parent=self).language):
            return self._grade(state, resources)

    def _grade(self, state, resources):
        from .runner import grade_cells, week_items
        week = state["week"]
        try:
            week_items(week)
        except ImportError:
            return {"error": _("there are no hidden checks for notebook '{week}'").format(week=week)}
        launcher = Sandbox(parent=self).launcher()
        if launcher.insecure:
            self.log.warning("GRADING WITHOUT A SANDBOX: student code can read and change this machine.")
        # the folder of the notebook being graded (autograded/STUDENT/WEEK): what was handed in beside it
        files = SubmittedFiles(resources.get("metadata", {}).get("path") or None)
        results, cell_errors = grade_cells(week, state["cells"], launcher, self.call_timeout, self.cell_timeout,
                                           files, stopped=StoppedInKernel(state.get("timed_out", {})),
                                           every_check=self.scoring == "per_check")
        return {"results": results, "cell_errors": cell_errors, "sandbox": launcher.name, "scoring": self.scoring}


class StoppedInKernel(Mapping):
    """{answer cell id: its error} of the cells the notebook's kernel stopped at its time limit, read from
    ``timed_out`` ({cell id: seconds}) as it is now: it grows while the kernel runs beside the checks."""

    def __init__(self, timed_out):
        self._timed_out = timed_out

    def __getitem__(self, cell):
        return {"type": "CellFailure", "fatal": True, "traceback": "",
                "message": _("it ran longer than the time limit ({seconds:g} s) when your notebook ran"
                             ).format(seconds=self._timed_out[cell])}

    def __iter__(self):
        return iter(list(self._timed_out))

    def __len__(self):
        return len(self._timed_out)


class StartHiddenChecks(NbGraderPreprocessor):
    """Starts the hidden checks before the notebook runs, in a thread of this process, so that the notebook's
    kernel (the visible checks: feedback) and the checks' worker run side by side, on two cores where there are
    two; RunHiddenChecks, later in the list, waits for the verdict. Needs CollectAnswers before it.

    Only with the warm sandbox: its kernels and workers are forked by the zygote, made ready here, so
    the thread starts no process of its own. Without it, RunHiddenChecks grades after the notebook as usual.
    The price: an answer cell that loops is run by both at once, until the kernel's time limit stops it there; the
    checks' worker then stops waiting for it too (StoppedInKernel), so it costs the kernel's limit once, as it
    does after the notebook, where the checks skip a cell that has run out of time in the kernel."""

    enabled = Bool(True, help="Run the hidden checks while the notebook runs (with the warm sandbox).").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        state = resources[KEY]
        launcher = Sandbox(parent=self).launcher()
        if not (self.enabled and getattr(launcher, "warm", False) and not launcher.insecure):
            return nb, resources
        try:
            launcher.zygote()  # the machine's warm sandbox, started if none runs
        except ZygoteError:
            return nb, resources  # RunHiddenChecks grades (and reports) after the notebook
        state["started"] = _checks_thread().submit(RunHiddenChecks(parent=self).grade, dict(state), resources)
        return nb, resources


@functools.cache
def _checks_thread():
    """The one thread that runs hidden checks ahead of RunHiddenChecks (one submission at a time)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="hidden-checks")


class ReportCheckResults(NbGraderPreprocessor):
    """Writes the hidden checks' verdict into each graded test cell.

    The kernel's outputs of a test cell stay visible as feedback, but as plain
    text: only the trusted verdict may add an error (which scores zero) or, per
    check, a number (the partial credit nbgrader reads from an execute_result).
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        with messages.speaking(Course(parent=self).language):
            return self._write_verdicts(nb, resources)

    def _write_verdicts(self, nb, resources):
        state = resources.get(KEY, {})
        results = state.get("results", {})
        cell_errors = state.get("cell_errors", {})
        per_check = state.get("scoring") == "per_check"
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if not (cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")):
                continue
            item = str(meta.get("grade_id", "")).removeprefix("test_")
            outputs = [_as_feedback(o) for o in cell.get("outputs", [])]
            result = results.get(item)
            if "error" in state:
                outputs.append(_verdict_error(item, _(NOT_GRADED).format(reason=state["error"])))
            elif result is None:
                outputs.append(_verdict_error(item, _("Not graded: no hidden checks exist for '{item}'.").format(
                    item=item)))
            else:
                points = float(meta.get("points", 0))
                earned = result.earned(points, per_check)
                text = _cell_error(item, cell_errors) + (result.scored_feedback(points) if per_check
                                                         else result.feedback)
                if result.passed:
                    outputs.append(_stream(_(VERDICT) + f" {text}\n"))
                elif earned > 0:  # per check only: all or nothing earns 0 unless passed
                    outputs += [_stream(_(VERDICT) + f" {text}\n"), _score(earned)]
                else:
                    outputs.append(_verdict_error(item, text))
            if state.get("kernel_error"):
                outputs.append(_stream(_("Note: running your notebook stopped early: {reason}. The hidden checks "
                                         "below still graded your answers.").format(reason=_(state["kernel_error"]))
                                       + "\n"))
            if state.get("sandbox", "").endswith("(INSECURE)"):
                outputs.append(_stream(_("WARNING: graded without a sandbox (--insecure).") + "\n"))
            cell.outputs = outputs
        return nb, resources


def _cell_error(item, cell_errors):
    error = cell_errors.get(item)
    return _(CELL_FAILED).format(
        item=item, error=error["type"], message=error["message"]) + "\n" if error else ""


def _score(points):
    """The output nbgrader's determine_grade reads as partial credit: an execute_result holding a number."""
    return NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                        data={"text/plain": f"{points:g}"})


def _stream(text):
    return NotebookNode(output_type="stream", name="stdout", text=text)


def _verdict_error(item, text):
    return NotebookNode(output_type="error", ename="HiddenChecksFailed",
                        evalue=_("{item}: hidden checks failed").format(item=item),
                        traceback=[_(VERDICT)] + text.splitlines())


def _as_feedback(output):
    """A kernel output, made harmless for scoring (errors and stderr become stdout text)."""
    if output.get("output_type") == "error":
        lines = [_("Visible check raised {error}: {message}").format(error=output["ename"] if "ename" in output else _("an error"),
                                                                     message=output.get("evalue", ""))]
        return _stream("\n".join(lines) + "\n")
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        return _stream(output.get("text", ""))
    if output.get("output_type") == "execute_result":
        # a bare number would be read by nbgrader as partial credit
        return NotebookNode(output_type="display_data", data=output.get("data", {}), metadata={})
    return output
