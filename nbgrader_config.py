"""nbgrader configuration of the course. Run every nbgrader command from this folder."""
from autograder.preprocessors import CollectAnswers, ReportCheckResults, RunHiddenChecks, SandboxedExecute
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# Students see this where an answer goes.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError('Replace this line with your implementation.')"}

# Autograde: the kernel's run is feedback; the trusted hidden checks decide the score.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                      CheckCellMetadata]
c.Autograde.autograde_preprocessors = [SandboxedExecute, LimitOutput, CollectAnswers, RunHiddenChecks, ReportCheckResults,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.SandboxedExecute.timeout = 60  # per cell; plots and BPTT on CPU stay well under this
# Student code (the kernel and the checks' worker) runs in bubblewrap; without it, grading refuses to start
# unless the instructor passes --Sandbox.kind=none --Sandbox.allow_insecure=True.
c.Sandbox.kind = "bubblewrap"
