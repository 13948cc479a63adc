"""Errors that reach the user as one line naming the fix (exit code 2)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input on the command line or in a file: the message names the problem and the fix."""


def shown(path: object) -> str:
    """A path as an error line shows it: as is, or quoted (``repr``) when it holds a
    newline or another control character that would break the line."""
    text = str(path)
    return repr(text) if any(c < " " or c == "\x7f" for c in text) else text
