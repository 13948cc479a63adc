"""Layer 9 -- the command line: reportcheck check, list, replay, catalogue, ci, report."""
