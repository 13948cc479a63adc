"""What engines hand to the layers above besides verdicts: progress callbacks and statistics."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, float], None]  # states, depth, seconds so far
