"""Errors that reach the user as one line naming the fix (exit code 2)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input on the command line or in a file: the message names the problem and the fix."""
