"""The page-lifecycle specification: an IR (spec.ir, spec.expr) and the model written in
it, along the kernel's files (spec.free_lists, spec.page_alloc, spec.page_isolation,
spec.page_reporting, one module per design in spec.designs) with its claims
(spec.invariants); spec.catalog builds a model from a :class:`ModelKey`.  Imports no engine."""

from spec.catalog import DESIGNS, FAULTS, build_model
from spec.configs import CONFIGS, DEFAULT_CONFIG
from spec.eras import DEFAULT_ERA, ERAS, Era, era_of_pcp_cache
from spec.key import DEFAULT_DESIGN, ModelKey
from spec.validate import SpecError

__all__ = ["CONFIGS", "DEFAULT_CONFIG", "DEFAULT_DESIGN", "DEFAULT_ERA", "DESIGNS", "ERAS", "FAULTS", "Era",
           "ModelKey", "SpecError", "build_model", "era_of_pcp_cache"]
