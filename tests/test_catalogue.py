"""The stored counterexamples (counterexamples/): every file still reproduces what it
records, the catalogue is complete (every refutation of the explicit engine on tiny, every
fault), each trace is the shortest, and a stale or misplaced file is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import explore

from checker.cli.main import main
from checker.io.catalogue import CatalogueCheck, check_catalogue
from checker.io.itf import load
from spec import ERAS, ModelKey

ROOT = Path(__file__).resolve().parent.parent / "counterexamples"

# directory -> invariant -> trace length (shortest, explicit engine)
CATALOGUE = {
    'merged': {'free_list_matches_pageblock': 4, 'putback_at_tail': 2},
    'merged-5.10': {'free_list_matches_pageblock': 4},
    'merged-5.11': {'free_list_matches_pageblock': 4},
    'merged-5.18': {'free_list_matches_pageblock': 4},
    'merged-5.19': {'free_list_matches_pageblock': 4},
    'merged-6.1': {'free_list_matches_pageblock': 4},
    'merged-6.3': {'free_list_matches_pageblock': 4},
    'merged-6.6': {'free_list_matches_pageblock': 4},
    'merged-6.8': {'free_list_matches_pageblock': 4},
    'merged-alloc-keeps-reported': {'reported_implies_buddy': 7, 'reported_only_at_min_order': 7},
    'merged-merge-keeps-reported-tiny-span': {'reported_implies_buddy': 10, 'reported_only_at_min_order': 10},
    'merged-pcp-index-not-set': {'freeing_page_index_is_set': 3, 'index_trusted': 4, 'pcp_page_index_is_list_type': 4},
    'none-3.16': {'free_counts': 3, 'free_list_matches_pageblock': 3, 'isolate_free_list_matches_isolated_blocks': 3},
    'none-5.10': {'free_list_matches_pageblock': 4},
    'none-5.11': {'free_list_matches_pageblock': 4},
    'none-5.18': {'free_list_matches_pageblock': 4},
    'none-5.19': {'free_list_matches_pageblock': 4},
    'none-5.3': {'free_list_matches_pageblock': 4},
    'none-5.7': {'free_list_matches_pageblock': 4, 'putback_at_tail': 2},
    'none-6.1': {'free_list_matches_pageblock': 4},
    'none-6.3': {'free_list_matches_pageblock': 4},
    'none-6.6': {'free_list_matches_pageblock': 4},
    'none-6.8': {'free_list_matches_pageblock': 4},
    'v10': {'boundary_valid': 5, 'free_list_matches_pageblock': 4, 'index_trusted': 5, 'reported_index_trusted': 5},
    'v9': {'boundary_lookup_sound': 13, 'boundary_valid': 4, 'free_list_matches_pageblock': 4, 'index_trusted': 9, 'reported_index_trusted': 6, 'reported_run_at_tail': 7},
    'v9-retype-keeps-stale-index': {'boundary_lookup_sound': 5, 'index_trusted': 5, 'reported_index_trusted': 5, 'reported_run_at_tail': 6},
    'v9-v9-unguarded-index-read': {'boundary_lookup_sound': 9, 'index_trusted': 3},
}


def stored() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in sorted(ROOT.glob("*/*.itf.json")):
        out.setdefault(p.parent.name, {})[p.name.removesuffix(".itf.json")] = len(load(p).trace.steps)
    return out


def test_every_stored_counterexample_reproduces_what_it_records() -> None:
    checks = check_catalogue(ROOT)
    assert [c for c in checks if not c.ok] == []
    assert len(checks) == sum(len(v) for v in CATALOGUE.values())
    assert all(isinstance(c, CatalogueCheck) and "as recorded" in c.message for c in checks)


def test_the_catalogue_holds_exactly_the_pinned_files() -> None:
    assert stored() == CATALOGUE


@pytest.mark.parametrize("design,era", [(d, e) for e in ERAS for d in ERAS[e].designs])
def test_the_catalogue_has_every_shortest_refutation_of_the_explicit_engine(design: str, era: str) -> None:
    verdicts, _ = explore(design, era)  # shared with test_explicit: no extra search
    directory = ROOT / ModelKey(design, None, era).slug()
    refuted = {name: v for name, v in verdicts.items() if v.trace is not None}
    assert {p.name.removesuffix(".itf.json") for p in directory.glob("*.itf.json")} == set(refuted)
    for name, v in refuted.items():
        assert load(directory / f"{name}.itf.json").trace == v.trace, name


def test_a_stale_trace_fails_with_the_difference_and_the_fix(tmp_path: Path) -> None:
    src = ROOT / "v9-v9-unguarded-index-read" / "index_trusted.itf.json"
    (tmp_path / src.parent.name).mkdir()
    data = json.loads(src.read_text())
    data["states"][3]["worker"] = "idle"
    (tmp_path / src.parent.name / src.name).write_text(json.dumps(data))
    (check,) = check_catalogue(tmp_path)
    assert not check.ok
    assert check.message.startswith("diverges at step 3 of 3: state differs: worker: recorded idle, computed in_report")
    assert check.message.endswith("If the spec change is intended, run: reportcheck catalogue --regenerate")


def test_a_misplaced_trace_fails(tmp_path: Path) -> None:
    src = ROOT / "v9-v9-unguarded-index-read" / "index_trusted.itf.json"
    (tmp_path / "v9").mkdir()
    shutil.copy(src, tmp_path / "v9" / src.name)
    (check,) = check_catalogue(tmp_path)
    assert not check.ok and check.message.endswith(f"belongs at {tmp_path / src.parent.name / src.name}")


def test_an_empty_catalogue_fails(tmp_path: Path) -> None:
    (check,) = check_catalogue(tmp_path)
    assert not check.ok and check.path == tmp_path and "reportcheck catalogue --regenerate" in check.message


def test_catalogue_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "--root", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (f"{sum(len(v) for v in CATALOGUE.values())} of "
                                    f"{sum(len(v) for v in CATALOGUE.values())} stored counterexamples "
                                    "reproduce what they record")
    (tmp_path / "v9").mkdir()
    (tmp_path / "v9" / "index_trusted.itf.json").write_text("{")
    assert main(["catalogue", "--root", str(tmp_path)]) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.parametrize("directory", sorted(d.name for d in ROOT.iterdir() if d.is_dir()
                                             and load(next(d.glob("*.itf.json"))).trace.fault))
def test_each_fault_trace_is_the_shortest(directory: str) -> None:
    for p in sorted((ROOT / directory).glob("*.itf.json")):
        t = load(p).trace
        assert t.fault is not None
        verdicts, _ = explore(t.design, t.key.era, t.config, t.fault, (t.invariant,))
        assert verdicts[t.invariant].trace == t, p
