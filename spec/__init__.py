"""The page-lifecycle specification: an IR (spec.ir, spec.expr) and the model written in
it (spec.allocator, spec.reporting, spec.invariants).  Imports no engine."""

from spec.catalog import DEFAULT_DESIGN, DESIGNS, FAULTS, SpecError, build_model
from spec.configs import CONFIGS, DEFAULT_CONFIG

__all__ = ["CONFIGS", "DEFAULT_CONFIG", "DEFAULT_DESIGN", "DESIGNS", "FAULTS", "SpecError", "build_model"]
