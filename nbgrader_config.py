"""nbgrader configuration of the course. Run every nbgrader command from this folder."""
from autograder.preprocessors import (CollectAnswers, ReportCheckResults, RestoreCellMetadata, RunHiddenChecks,
                                      SandboxedExecute)
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "assignments"
# The gradebook: SQLite in this folder by default (nbgrader's default db_url); for PostgreSQL set
# c.CourseDirectory.db_url = "postgresql://user@host/dbname"

# Students see this where an answer goes.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError('Replace this line with your implementation.')"}

# Autograde: the kernel's run is feedback; the trusted hidden checks decide the score.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, RestoreCellMetadata, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]
c.OverwriteCells.add_missing_cells = True  # a deleted test cell comes back (and grades the item)
c.Autograde.autograde_preprocessors = [SandboxedExecute, LimitOutput, CollectAnswers, RunHiddenChecks, ReportCheckResults,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
# nbgrader's 30 s per cell is enough: every notebook runs well under it on 2 CPU cores.
# Student code (the kernel and the checks' worker) runs in bubblewrap; without it, grading refuses to start
# unless the instructor passes --Sandbox.kind=none --Sandbox.allow_insecure=True.
c.Sandbox.kind = "bubblewrap"
