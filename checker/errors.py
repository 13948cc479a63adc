"""The one base class of every error checker/ raises, and the errors that reach the user.

Every error class of checker/ derives from :class:`ReportcheckError` (a test checks it), so
a caller can tell the tool's own failures from a bug in Python or a library.
:class:`UsageError` is bad input: the command line prints its one line and exits 2.
spec/ imports nothing of checker/, so its ``SpecError`` stands alone; the command line
turns it into a UsageError at the boundary.
"""

from __future__ import annotations


class ReportcheckError(Exception):
    """An error of reportcheck itself (not a bug of Python or a library)."""


class UsageError(ReportcheckError):
    """Bad input on the command line or in a file: the message names the problem and the fix."""


def shown(path: object) -> str:
    """A path as an error line shows it: as is, or quoted (``repr``) when it holds a
    newline or another control character that would break the line."""
    text = str(path)
    return repr(text) if any(c < " " or c == "\x7f" for c in text) else text
