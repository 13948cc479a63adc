"""The C backend's successor function against the Python backend's, state by state.

On a few hundred reachable states per model -- some from the first levels of a
breadth-first search, some deep on random runs -- the C successors (action, arguments,
target state after packing and unpacking, failed read-site ids) are exactly the Python
successors, in the same order, for every design, pcp cache on and off, and fault.
"""

from __future__ import annotations

import math
import random
import zlib

import pytest
from test_compile import bounded_walk

from checker.engines import explicit_c
from checker.interp.cgen import generate, packing
from checker.interp.concrete import Interpreter
from spec import DESIGNS, ERAS, FAULTS, ModelKey, build_model, era_of_pcp_cache

pytestmark = pytest.mark.skipif(explicit_c.unavailable() is not None, reason="no C compiler")

# every design on its first release, 3.16 and 6.10 where it existed there
ERAS_OF = {d: [e for e in ("3.16", era_of_pcp_cache(True, d), "6.10") if d in ERAS[e].designs] for d in DESIGNS}
CASES = [(d, None, e, cfg) for d in DESIGNS for e in ERAS_OF[d] for cfg in ("tiny", "tiny-span", "small")]
CASES += [(f.design, f.name, e, "tiny") for f in FAULTS.values() for e in ERAS_OF[f.design]]


def sample_states(interp: Interpreter, seed: int, bfs: int = 1500, walks: int = 30, length: int = 60,
                  keep: int = 300) -> list[bytes]:
    """``keep`` distinct reachable states: half from the first ``bfs`` states breadth-first,
    half along random runs of up to ``length`` steps."""
    rng = random.Random(seed)
    seen = set(bounded_walk(interp, bfs))
    shallow = rng.sample(sorted(seen), min(keep // 2, len(seen)))
    deep: set[bytes] = set()
    for _ in range(walks):
        s = interp.initial()
        for _ in range(length):
            succ = list(interp.successors(s))
            if not succ:
                break
            s = rng.choice(succ).target
            if rng.random() < 0.1:
                deep.add(s)
    return shallow + sorted(deep - set(shallow))[:keep // 2]


@pytest.mark.parametrize("design,fault,era,config", CASES)
def test_c_successors_equal_python_successors(design: str, fault: str | None, era: str, config: str) -> None:
    interp = Interpreter(build_model(ModelKey(design, fault, era, config)))
    states = sample_states(interp, seed=zlib.crc32(repr((design, fault, era, config)).encode()))
    assert len(states) >= 200
    compared = 0
    for s in states:
        want = list(interp.successors(s))
        got = explicit_c.successors(interp, s)
        assert got == want, (interp.decode(s), [t for t in got if t not in want], [t for t in want if t not in got])
        compared += len(want)
    assert compared > len(states)  # not a run of deadlocks


def test_the_packed_state_takes_the_bits_its_domains_need() -> None:
    model = build_model(ModelKey("v9"))
    cm = generate(model)
    groups = packing(model)
    assert cm.bits == sum(width for _, width, _ in groups)
    need = sum(v.length * math.log2(v.domain.size) for v in model.state_vars)
    assert need <= cm.bits < need + len(groups)  # within a bit a group of what the domains need
    assert cm.bits < sum((v.domain.size - 1).bit_length() * v.length for v in model.state_vars)  # 126 as bit fields
    assert cm.bits == 115 and cm.packed_bytes == 15  # tiny: 15 bytes instead of the Python backend's 55
    assert [bit for bit, _, _ in groups] == [sum(w for _, w, _ in groups[:k]) for k in range(len(groups))]
    assert sorted(at for _, _, elements in groups for at, _ in elements) == \
        [k for k, size in enumerate(s for v in model.state_vars for s in [v.domain.size] * v.length) if size > 1]


def test_check_ids_are_the_python_backends() -> None:
    for design in DESIGNS:
        interp = Interpreter(build_model(ModelKey(design)))
        assert list(generate(interp.model).checks) == interp.checks


def test_labels_decode_to_every_binding_of_the_parameters() -> None:
    cm = generate(build_model(ModelKey("v9")))
    decoded = [cm.label(k) for k in range(cm.nlabels)]
    assert len(set(decoded)) == cm.nlabels
    for a, args in decoded:
        assert len(args) == len(cm.param_sizes[a])
        assert all(0 <= x < n for x, n in zip(args, cm.param_sizes[a]))
