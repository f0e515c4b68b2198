"""Autograding speed, measured side by side in one run.

    python benchmarks/autograde_bench.py [--submissions 40] [--weeks w01_rnn w03_gru] [--jobs 2]

For each week, builds a course with N submissions (per 40: 20 reference, 10 blank, 8 wrong samples, 2 whose
answer cell loops forever at top level) and grades it three ways, with the same 10 s kernel limit per cell:

1. stock nbgrader: ``nbgrader autograde`` with nbgrader's default preprocessors (no sandbox, no trusted checks:
   only the notebook's own cells run);
2. ours, sequential: ``nbgrader autograde`` with this course's configuration (the reference canary, kernels and
   workers forked from the warm sandbox, hidden checks in the grader, in a thread beside the notebook's run);
3. ours, parallel: ``autograder grade WEEK --jobs 2`` (the same pipeline in worker processes);
4. ours, sequential again: the examples the first run's canary kept on disk are replayed (``autograder.replay``),
   as every run after the first on a machine does. Runs 2 and 3 each start with no kept examples.

It prints the times and their ratios, then where one submission's time goes (fork, notebook, checks, nbgrader).
"""
import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from autograder import course, replay
from autograder.batch import grade_week
from autograder.samples import samples
from autograder.sandbox.launchers import choose_launcher
from autograder.sandbox.zygote import stop_shared_zygote

KERNEL_LIMIT = 10  # seconds a notebook cell may run in the kernel, in every configuration (nbgrader_config.py too)
STOCK_CONFIG = f"""
# Stock nbgrader: its default autograde preprocessors, unsandboxed kernel.
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, Execute,
    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.Execute.timeout = {KERNEL_LIMIT}
"""
LOOP_AT_TOP_LEVEL = "while True:\n    pass\n"


def submissions(week, count):
    """Per 40: 20 reference, 10 blank, 8 wrong samples, 2 answer cells that loop at top level."""
    wrong = [s for s in samples(week) if not s.correct]
    first_item = next(iter(wrong[0].definitions))
    kinds = ["reference"] * 20 + ["blank"] * 10 + ["wrong"] * 8 + ["loops"] * 2
    subs = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        definitions = {"reference": {}, "blank": None, "loops": {first_item: LOOP_AT_TOP_LEVEL},
                       "wrong": wrong[i % len(wrong)].definitions if kind == "wrong" else None}[kind]
        subs.append((f"{kind}-{i:02d}", definitions))
    return subs


def build(root, week, subs, extra_config=""):
    course.new_course(root, [week], extra_config=extra_config)
    for student, definitions in subs:
        handed_in = course.reference_files(week) if definitions is not None else ()
        course.write_submission(course.make_submission(week, definitions, root=root), student, week, root=root,
                                files=handed_in)


def timed(label, fn):
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"  {label:<52} {seconds:8.1f} s", flush=True)
    return seconds


def breakdown(root, week):
    """Where one (reference) submission's time goes in our pipeline, measured directly in this process."""
    import nbformat
    from nbclient import NotebookClient

    from autograder.notebooks import cells_for_grading
    from autograder.runner import forbidden_patterns, run_checks
    from autograder.implementation import SandboxedImplementation
    from autograder.sandbox.kernel import SandboxedKernelManager
    from autograder.submitted_files import SubmittedFiles

    nb = course.make_submission(week, {}, root=root)
    launcher = choose_launcher(warm=True)
    parts = {}
    stop_shared_zygote(launcher)  # the graded runs above left the machine's running: time a new one
    t0 = time.perf_counter()
    launcher.zygote()
    parts["warm sandbox start (when none runs on the machine)"] = time.perf_counter() - t0
    rounds = 5
    t0 = time.perf_counter()
    for _ in range(rounds):
        impl = SandboxedImplementation([("setup", "x = 1")], [], launcher)
        impl.x  # noqa: B018 (forks a worker and runs one cell)
        impl.close()
    parts["fork: a worker, ready, one cell"] = (time.perf_counter() - t0) / rounds

    async def kernel_start():
        km = SandboxedKernelManager(kernel_name="python3", launcher=launcher)
        t = time.perf_counter()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        parts["fork: a kernel, ready"] = time.perf_counter() - t
        kc.stop_channels()
        await km.shutdown_kernel(now=True)

    asyncio.run(kernel_start())
    t0 = time.perf_counter()
    NotebookClient(nbformat.from_dict(nb), timeout=60, kernel_manager_class=SandboxedKernelManager,
                   resources={"metadata": {"path": str(root)}}).execute()
    parts["notebook: kernel fork + every cell"] = time.perf_counter() - t0
    book = replay.ExampleBook()
    for run in ("recording the examples (canary)", "replaying them (a submission)"):
        t0 = time.perf_counter()
        impl = SandboxedImplementation(cells_for_grading(nb), forbidden_patterns(week), launcher,
                                       files=SubmittedFiles.reference(week), answers=book.answers,
                                       record_answers=run.endswith("(canary)"))
        impl.begin_check("warm-up")
        impl._start()
        parts["checks: worker fork + answer cells"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_checks(week, impl, replay=book)
        impl.close()
        parts[f"checks: hidden checks, {run}"] = time.perf_counter() - t0
    return parts


def examples_kept_in(folder):
    """Grade with hypothesis' kept examples (autograder.replay) in ``folder``: a new folder is a machine where no
    canary has run yet. And with no warm sandbox running: each of our runs pays for starting the machine's."""
    os.environ["AUTOGRADER_CACHE"] = str(folder)
    replay.CACHE = Path(folder) / "examples"
    stop_shared_zygote(choose_launcher(warm=True))


def bench_week(week, count, jobs, tmp):
    subs = submissions(week, count)
    stock, ours, parallel = tmp / f"{week}-stock", tmp / f"{week}-sequential", tmp / f"{week}-parallel"
    build(stock, week, subs, STOCK_CONFIG)
    build(ours, week, subs)
    build(parallel, week, subs)
    print(f"{count} submissions of {week} (20 reference, 10 blank, 8 wrong, 2 looping per 40; 10 s kernel limit)")
    t_stock = timed("stock nbgrader autograde, sequential (no sandbox, no checks)",
                    lambda: course.nbgrader("autograde", week, "--force", root=stock))
    # each of ours starts on a machine where no canary has kept examples yet (its own canary records them)
    first_cache = tmp / f"{week}-examples-sequential"
    examples_kept_in(first_cache)
    t_seq = timed("ours: nbgrader autograde, sequential",
                  lambda: course.nbgrader("autograde", week, "--force", root=ours))
    examples_kept_in(tmp / f"{week}-examples-parallel")
    t_par = timed(f"ours: autograder grade --jobs {jobs}", lambda: grade_week(parallel, week, jobs=jobs))
    examples_kept_in(first_cache)  # graded again: the examples the first run's canary kept
    t_again = timed("ours: nbgrader autograde, sequential, again (examples kept by the first run)",
                    lambda: course.nbgrader("autograde", week, "--force", root=ours))
    same = course.grade_table([week], root=ours) == course.grade_table([week], root=parallel)
    print(f"  --jobs {jobs} grades identical to sequential: {same}")
    print(f"  ours sequential vs stock sequential: x{t_stock / t_seq:.2f} faster (target 2)")
    print(f"  ours --jobs {jobs} vs stock sequential: x{t_stock / t_par:.2f} faster (target 4)")
    print(f"  ours sequential again, examples kept: x{t_stock / t_again:.2f} faster")
    print(f"  per submission: stock {t_stock / count:.2f} s, ours sequential {t_seq / count:.2f} s, "
          f"ours --jobs {jobs} {t_par / count:.2f} s")
    parts = breakdown(ours, week)
    notebook = sum(v for k, v in parts.items() if k.startswith("notebook"))
    checks = sum(v for k, v in parts.items() if k.startswith("checks") and "recording" not in k)
    print("  where one reference submission's time goes (ours; the notebook and the checks run side by side):")
    for label, seconds in parts.items():
        print(f"    {label:<56} {seconds:8.2f} s")
    # a looping submission costs the kernel's limit (10 s), in stock nbgrader too: left out of the average
    loops = sum(student.startswith("loops") for student, _ in subs)
    others = (t_seq - loops * KERNEL_LIMIT) / max(1, count - loops)
    print(f"    {'nbgrader and the rest (per submission - max(notebook, checks))':<56} "
          f"{max(0.0, others - max(notebook, checks)):8.2f} s  (the {loops} looping ones left out)")
    return t_stock, t_seq, t_par


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--weeks", nargs="+", default=["w01_rnn", "w03_gru"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="autograde-bench-"))
    try:
        for week in args.weeks:
            bench_week(week, args.submissions, args.jobs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
