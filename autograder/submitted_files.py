"""The files a student hands in beside the notebook (a trained checkpoint), read as data.

The grader reads them itself: bytes, never code. A file that is missing, is not a
regular file (a symlink could point at the instructor's files) or is too large is
reported to the student as such.
"""
import os
import stat
from pathlib import Path

from .messages import _

MAX_BYTES = 64 * 2**20
REFERENCE_CHECKPOINTS = Path(__file__).resolve().parent.parent / "solutions" / "checkpoints"


class SubmittedFileError(Exception):
    """A submitted file the checks need cannot be used; the message is for the student."""


class SubmittedFiles:
    """Read access to one submission's folder (None: the student handed in no files)."""

    def __init__(self, folder=None, max_bytes=MAX_BYTES):
        self.folder = Path(folder) if folder is not None else None
        self.max_bytes = max_bytes

    @classmethod
    def reference(cls, week):
        """The checkpoints trained with the reference solutions (``solutions/train_checkpoints.py``)."""
        return cls(REFERENCE_CHECKPOINTS / week)

    def read(self, name):
        """The bytes of ``name`` (a plain file name, beside the notebook)."""
        if os.sep in name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        if self.folder is None:
            raise SubmittedFileError(_("{name} (beside your notebook) was not found.").format(name=name))
        try:
            fd = os.open(self.folder / name, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise SubmittedFileError(_("{name} (beside your notebook) was not found.").format(name=name)) from None
        except OSError as exc:  # ELOOP: a symlink
            raise SubmittedFileError(_("{name} (beside your notebook) cannot be read: {reason}; hand in a regular "
                                       "file.").format(name=name, reason=os.strerror(exc.errno))) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # before fdopen, which refuses a folder with an error of its own
            os.close(fd)
            raise SubmittedFileError(_("{name} (beside your notebook) is not a regular file.").format(name=name))
        with os.fdopen(fd, "rb") as f:
            if info.st_size > self.max_bytes:
                raise SubmittedFileError(_("{name} (beside your notebook) has {size:,} bytes; the limit is {limit:,}.")
                                         .format(name=name, size=info.st_size, limit=self.max_bytes))
            return f.read(self.max_bytes + 1)[: self.max_bytes]
