"""nbgrader configuration of the course. Run every nbgrader command from this folder."""
from autograder import lectures
from autograder.localize import ClearSolutions, TranslateNotebook
from autograder.preprocessors import (CollectAnswers, ReferenceCanary, ReportCheckResults, RestoreCellMetadata,
                                      RunHiddenChecks, SandboxedExecute, StartHiddenChecks)
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearOutput, ComputeChecksums, DeduplicateIds,
                                    IncludeHeaderFooter, InstantiateTests, LimitOutput, LockCells, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades, SaveCells)

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "assignments"
# The gradebook: SQLite in this folder by default (nbgrader's default db_url); for PostgreSQL set
# c.CourseDirectory.db_url = "postgresql://user@host/dbname"

# The language students read: "en" (the source) or "ru" (the catalogues in autograder/locale/ru/). Release
# translates the notebooks' prose first (TranslateNotebook), before nbgrader saves the cells and their checksums;
# code, names, grade ids and points are the same in both, so grades compare across languages.
c.Course.language = "en"
c.GenerateAssignment.preprocessors = [TranslateNotebook, IncludeHeaderFooter, InstantiateTests, LockCells,
                                      ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums, SaveCells,
                                      ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]
# Where an answer goes, students see the stub of the course's language (autograder/localize.py: STUBS), unless
# c.ClearSolutions.code_stub = {"python": "..."} says otherwise.

# A submitted file that is not a readable notebook is graded as the blank release notebook, with the reason on top.
c.Autograde.exporter_class = "autograder.exporter.SubmissionExporter"
# Trained checkpoints are handed in beside the notebook. Autograde copies every other file of the source folder over
# the submission: it must not replace a student's checkpoint with one the instructor trained there, and
# `nbgrader generate_assignment` must never release such a checkpoint.
c.Autograde.exclude_overwriting = {"w06_classifier": ["classifier.pt"], "w07_language_model": ["language_model.pt"]}
c.GenerateAssignmentApp.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.pt"]
# Autograde: the kernel's run is feedback; the trusted hidden checks decide the score.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, RestoreCellMetadata, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]
c.OverwriteCells.add_missing_cells = True  # a deleted test cell comes back (and grades the item)
# ReferenceCanary first: the week's reference is graded in this environment before any student, and the run is
# refused (with the reason and the failing checks) unless it scores full marks.
# StartHiddenChecks runs the hidden checks in a thread while the notebook runs (the kernel and the checks' worker
# side by side); RunHiddenChecks takes their verdict. Without StartHiddenChecks, RunHiddenChecks grades afterwards.
c.Autograde.autograde_preprocessors = [ReferenceCanary, CollectAnswers, StartHiddenChecks, SandboxedExecute,
                                       LimitOutput, RunHiddenChecks, ReportCheckResults, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
# Time limits of student code. The kernel's run of the notebook (feedback only) stops a cell after 10 s of wall
# clock (nbgrader's default is 30 s; the benchmark's stock configuration uses the same 10 s). The hidden checks
# charge CPU time: a call into student code may use 10 s of CPU, an answer cell 10 s, with a wall-clock backstop
# of twice that plus 5 s; an answer cell that already ran out of time in the kernel is not run again.
c.Execute.timeout = 10
c.RunHiddenChecks.call_timeout = 10
c.RunHiddenChecks.cell_timeout = 10
# Scoring of an item: "all_or_nothing" (the default: its points when every hidden check passes, else 0) or
# "per_check" (every check runs; the item earns the share of its points its passed checks weigh, the weights being
# declared in the check modules: matching the reference on random inputs weighs 3, gradients 2, the rest 1).
# All or nothing is the default because each item is already graded on its own (error carried forward) and is
# small enough to get wholly right; a function right only for the inputs of its shape check does not work, and
# partial points would reward it. Courses that want otter/Gradescope-style points per test choose per_check.
c.RunHiddenChecks.scoring = "all_or_nothing"
# Student code (the kernel and the checks' worker) runs in bubblewrap; without it, grading refuses to start
# unless the instructor passes --Sandbox.kind=none --Sandbox.allow_insecure=True. Kernels and workers are forked
# from one warm sandbox per machine (Sandbox.warm), shared by its grading processes, each child isolated as a
# fresh sandbox would be.
c.Sandbox.kind = "bubblewrap"
# The feedback HTML renders its math with no network: the course's templates/base/mathjax.html.j2 replaces
# nbconvert's MathJax macro (MathJax 2 from a CDN) and inlines MathJax 3 from the package django-static-mathjax into
# the page, which a student gets alone (nbgrader's release_feedback hands out the HTML file only). nbgrader's own
# templates (`feedback`) stay on the path; the lecture slides use the same macro (autograder/lectures.py).
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [str(lectures.TEMPLATES), lectures.nbgrader_templates()]
c.GenerateFeedback.HTMLExporter.filters = lectures.FILTERS
