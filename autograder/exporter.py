"""The exporter ``nbgrader autograde`` reads submissions with: a file that is not a notebook still gets graded.

Stock nbgrader stops at a submission it cannot parse (cut JSON, another encoding): the student gets a
submission row with no scores and no feedback. Here such a file is graded as the blank release notebook
(every item scores zero) with a note at the top that says why; the student's file stays untouched in
``submitted/``.
"""
import os

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.reader import NotJSONError

from . import messages
from .localize import Course
from .messages import N_, _

NOTE = N_("**This submission could not be read, so it was graded as the blank notebook (0 points).**\n\n"
          "Reason: {reason}\n\nYour file is kept exactly as you submitted it. Open it in JupyterLab, save it "
          "again (File > Save Notebook), check it with `nbgrader validate`, and ask your instructor to grade it again.")


def _parse(file_stream):
    """(notebook, None) or (None, why the stream is not a readable notebook)."""
    try:
        text = file_stream.read()
    except UnicodeDecodeError as exc:
        return None, _("the file is not UTF-8 text (byte {position} cannot be decoded); notebooks are saved as "
                       "UTF-8.").format(position=exc.start)
    try:
        return nbformat.reads(text, as_version=4), None
    except NotJSONError as exc:  # its message quotes the file; json's own error says where it breaks
        return None, _("the file is not a valid notebook: it is not valid JSON ({error}).").format(
            error=exc.__cause__ or exc)
    except Exception as exc:  # anything else nbformat cannot turn into a notebook
        return None, _("the file is not a valid notebook ({error}: {message}).").format(
            error=type(exc).__name__, message=exc)


class SubmissionExporter(NotebookExporter):
    """nbconvert's NotebookExporter that grades an unreadable submission as the release notebook."""

    def from_file(self, file_stream, resources=None, **kw):
        # The reasons and the note are for the student: in the course's language, which the grading preprocessors
        # choose only later in this run, so it is chosen here too.
        with messages.speaking(Course(parent=self).language):
            nb, reason = _parse(file_stream)
            if reason is not None:
                self.log.warning("Unreadable submission %s: %s", getattr(file_stream, "name", "?"), reason)
                nb = self._release_notebook(resources) or nbformat.v4.new_notebook()
                nb.cells.insert(0, nbformat.v4.new_markdown_cell(_(NOTE).format(reason=reason)))
        return self.from_notebook_node(nb, resources=resources, **kw)

    def _release_notebook(self, resources):
        coursedir = getattr(self.parent, "coursedir", None)
        info = (resources or {}).get("nbgrader", {})
        if coursedir is None or "assignment" not in info or "notebook" not in info:
            return None
        folder = coursedir.format_path(coursedir.release_directory, ".", info["assignment"])
        path = os.path.join(folder, info["notebook"] + ".ipynb")
        return nbformat.read(path, as_version=4) if os.path.isfile(path) else None
