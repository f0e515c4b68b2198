"""Autograding speed, measured side by side in one run.

    python benchmarks/autograde_bench.py [--submissions 40] [--week w01_rnn]

Builds a course with N submissions of one week (a realistic mix: correct,
wrong, blank, one that loops forever) and grades it three ways:

1. stock nbgrader: ``nbgrader autograde`` with nbgrader's default preprocessors
   (no sandbox, no trusted checks: only the notebook's own cells run);
2. sequential trusted: ``nbgrader autograde`` with this course's configuration
   (kernel in bubblewrap, hidden checks in the grader against a sandboxed worker);
3. parallel trusted: ``autograder grade WEEK --jobs 2`` (same pipeline, worker processes).

It prints the three times and their ratios, then where one submission's time
goes (kernel start, imports, notebook, checks).
"""
import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from autograder import course
from autograder.batch import grade_week
from autograder.samples import samples

STOCK_CONFIG = """
# Stock nbgrader: its default autograde preprocessors, unsandboxed kernel.
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, Execute,
    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.Execute.timeout = 10
"""
LOOP = "def clip_grad_norm(parameters, max_norm):\n    while True:\n        pass\n"


def submissions(week, count):
    mix = [("reference", {}), ("blank", None), ("loops-forever", {"clip_grad_norm": LOOP})]
    mix += [(s.name.replace("_", "-"), s.definitions) for s in samples(week)]
    return [(f"{name}-{i:02d}", definitions) for i, (name, definitions) in
            zip(range(count), (mix[i % len(mix)] for i in range(count)))]


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
    """Where one (reference) submission's time goes, measured directly."""
    import nbformat
    from nbclient import NotebookClient

    from autograder.implementation import SandboxedImplementation
    from autograder.notebooks import cells_for_grading
    from autograder.runner import forbidden_patterns, run_checks
    from autograder.sandbox.kernel import SandboxedKernelManager
    from autograder.sandbox.launchers import choose_launcher

    nb = course.make_submission(week, {}, root=root)
    parts = {}

    async def kernel_parts():
        km = SandboxedKernelManager(kernel_name="python3")
        t0 = time.perf_counter()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        parts["kernel start (sandboxed)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await kc._async_execute_interactive("import torch, torch.nn as nn, matplotlib.pyplot as plt", timeout=60)
        parts["imports (torch, matplotlib)"] = time.perf_counter() - t0
        kc.stop_channels()
        await km.shutdown_kernel(now=True)

    asyncio.run(kernel_parts())
    t0 = time.perf_counter()
    NotebookClient(nbformat.from_dict(nb), timeout=60, kernel_manager_class=SandboxedKernelManager,
                   resources={"metadata": {"path": str(root)}}).execute()
    parts["whole notebook incl. kernel start and imports"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    impl = SandboxedImplementation(cells_for_grading(nb), forbidden_patterns(week), choose_launcher())
    impl._start()
    parts["checks: worker start + answer cells"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_checks(week, impl)
    impl.close()
    parts["checks: hidden checks themselves"] = time.perf_counter() - t0
    return parts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--week", default="w01_rnn")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    subs = submissions(args.week, args.submissions)
    tmp = Path(tempfile.mkdtemp(prefix="autograde-bench-"))
    try:
        print(f"{args.submissions} submissions of {args.week}")
        stock, ours, parallel = tmp / "stock", tmp / "sequential", tmp / "parallel"
        build(stock, args.week, subs, STOCK_CONFIG)
        build(ours, args.week, subs)
        build(parallel, args.week, subs)
        t_stock = timed("stock nbgrader autograde (no sandbox, no checks)",
                        lambda: course.nbgrader("autograde", args.week, "--force", root=stock))
        t_seq = timed("nbgrader autograde, sandbox + trusted checks",
                      lambda: course.nbgrader("autograde", args.week, "--force", root=ours))
        t_par = timed(f"autograder grade --jobs {args.jobs}, sandbox + trusted checks",
                      lambda: grade_week(parallel, args.week, jobs=args.jobs))
        same = (course.grade_table([args.week], root=ours) == course.grade_table([args.week], root=parallel))
        print(f"  parallel grades identical to sequential: {same}")
        print(f"  cost of sandbox + trusted checks per notebook: {t_seq / args.submissions:.1f} s vs "
              f"{t_stock / args.submissions:.1f} s stock (x{t_seq / t_stock:.2f})")
        print(f"  speed-up of --jobs {args.jobs} over our sequential nbgrader autograde: x{t_seq / t_par:.2f}")
        print(f"  speed-up of --jobs {args.jobs} over stock sequential nbgrader autograde: x{t_stock / t_par:.2f} "
              "(the issue's target: 1.8)")
        print("Where one submission's time goes:")
        for label, seconds in breakdown(ours, args.week).items():
            print(f"  {label:<52} {seconds:8.2f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
