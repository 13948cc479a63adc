"""Engines over the spec IR: the concrete interpreter, explicit-state search, traces, CLI."""
