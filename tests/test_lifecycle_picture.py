"""The lifecycle picture: laid out by Graphviz dot along the lifecycle, or drawn without it."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from checker.review import lifecycle

EDGES = {("ALLOC", "FREEING", "free_unref_page_prepare"), ("ALLOC", "FREEING", "__free_pages_ok"),
         ("FREEING", "PCP", "free_unref_page_commit"), ("PCP", "BUDDY", "free_pcppages_bulk"),
         ("BUDDY", "PCP", "rmqueue_bulk"), ("BUDDY", "REPORTING", "page_reporting_cycle"),
         ("REPORTING", "BUDDY+Reported", "page_reporting_drain"), ("BUDDY+Reported", "ALLOC", "rmqueue")}


def life() -> lifecycle.Lifecycle:
    out = lifecycle.Lifecycle("v9", set(EDGES))
    lifecycle.merge_fault(out, "alloc-keeps-reported", [("BUDDY+Reported", "ALLOC+Reported", "rmqueue")])
    return out


def test_the_graph_is_layered_along_the_lifecycle_with_labels_on_the_edges() -> None:
    src = lifecycle.dot_source(life())
    ranks = [line for line in src.splitlines() if "rank=same" in line]
    firsts = [re.search(r'"([^"]+)"', line).group(1) for line in ranks]  # type: ignore[union-attr]
    assert firsts == ["ALLOC", "FREEING", "PCP", "BUDDY", "REPORTING", "BUDDY+Reported"]
    assert '"ALLOC" -> "FREEING" [label="1. __free_pages_ok\\nfree_unref_page_prepare"];' in src
    assert 'style=dashed, color="#c0392b"' in src.splitlines()[-2]


dot_missing = shutil.which("dot") is None and not os.environ.get("REPORTCHECK_REQUIRE_TOOLS")


@pytest.mark.skipif(dot_missing, reason="Graphviz dot is not installed (.ci/run installs it)")
def test_dot_lays_out_the_states_top_to_bottom_in_lifecycle_order() -> None:
    svg = lifecycle.svg(life())
    assert svg.startswith('<svg role="img" aria-label="page lifecycle of v9"') and svg.endswith("</svg>")
    assert "<!--" not in svg and "<?xml" not in svg
    y = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'<title>([^<]+)</title>\s*<path[^>]*/>\s*<text[^>]*y="(-?[\d.]+)"', svg)}
    assert y["ALLOC"] < y["FREEING"] < y["PCP"] < y["BUDDY"] < y["REPORTING"] < y["BUDDY+Reported"], y
    assert ">1. __free_pages_ok</text>" in svg and "stroke-dasharray" in svg


def test_without_dot_the_picture_is_still_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    svg = lifecycle.svg(life())
    assert svg.startswith("<svg") and "<circle" in svg and "stroke-dasharray" in svg
