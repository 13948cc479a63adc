"""Where each state variable lives in the flat state: one element a byte, variables end to end.

Every interpreter of the IR that names state elements (compiled Python, Z3 terms, decoding
and encoding of states) reads this one layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.errors import ReportcheckError
from spec.ir import Model


class SpecCompileError(ReportcheckError):
    """The IR refers to something that does not exist (a bug in the spec)."""


@dataclass(frozen=True)
class Layout:
    offsets: dict[str, int]
    strides: dict[str, tuple[int, ...]]
    sizes: dict[str, tuple[int, ...]]
    length: int

    @staticmethod
    def of(model: Model) -> Layout:
        offsets, strides, sizes = {}, {}, {}
        at = 0
        for v in model.state_vars:
            if v.domain.size > 256:
                raise SpecCompileError(f"state variable {v.name}: {v.domain.size} values do not fit a byte")
            dims = tuple(d.size for d in v.dims)
            st = []
            acc = 1
            for size in reversed(dims):
                st.append(acc)
                acc *= size
            offsets[v.name], strides[v.name], sizes[v.name] = at, tuple(reversed(st)), dims
            at += v.length
        return Layout(offsets, strides, sizes, at)
