"""``reportcheck report``: the files it writes, their content, and a real browser on them.

The default run makes one report of merged (explicit engine, one fault) for the module:
every section, the guards, the coverage of a fault, HTML opened in a real browser.  The
report of every design (about three minutes) is ``deep``: the same code on three designs,
with the counterexamples replayed on the other designs and the lifecycle checked against
the whole state graph (``pytest -m deep tests/test_report.py``).  The proof engine's
section is exercised by a report of merged with the proof engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.cli.main import main
from checker.interp.concrete import Interpreter
from checker.io.catalogue import catalogue_files
from checker.review import guards, lifecycle
from checker.review import run as review
from spec import DESIGNS, ModelKey, build_model

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "counterexamples"


def make_report(out: Path, *designs: str) -> Path:
    code = main(["report", "--out", str(out), *(a for d in designs for a in ("--design", d)), "--engine", "explicit",
                 "--fault", "pcp-index-not-set", "--catalogue", str(CATALOGUE), "--jobs", "1",
                 "--no-cache"])  # module fixtures run before each test's own verdict cache is set: no stored results
    assert code == 0
    return out


@pytest.fixture(scope="module")
def full_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every design (the default of ``reportcheck report``) and one fault."""
    return make_report(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module", params=["merged", pytest.param("every design", marks=pytest.mark.deep)])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests that hold of any report: on merged's, and (deep) on every design's."""
    if request.param == "merged":
        return make_report(tmp_path_factory.mktemp("merged-report"), "merged")
    full: Path = request.getfixturevalue("full_report")
    return full


VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "embed", "source", "track", "wbr"}


class Strict(HTMLParser):
    """Every element closed, in order (void elements and self-closing SVG tags excepted)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "srcset")]
        if tag in ("script", "link", "iframe", "object"):
            self.errors.append(f"<{tag}> in a self-contained report")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()


def test_html_is_well_formed_and_self_contained(report: Path) -> None:
    text = (report / "index.html").read_text()
    assert text.startswith("<!DOCTYPE html>")
    p = Strict()
    p.feed(text)
    p.close()
    assert p.errors == [] and p.stack == []
    # the only references are in-page anchors and the marker ids of the pictures
    assert all(r.startswith("#") for r in p.refs), p.refs
    assert "url(http" not in text and "@import" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)


@pytest.mark.deep
def test_every_design_invariant_and_stored_counterexample_appears(full_report: Path) -> None:
    report = full_report
    html, md = (report / "index.html").read_text(), (report / "report.md").read_text()
    reviewed = [d for d in DESIGNS if d != "none"]  # the report reviews the reporting designs
    for d in reviewed:
        model = build_model(ModelKey(d))
        for text in (html, md):
            assert f"{d}: " in text
            for inv in model.invariants:
                assert inv.name in text, (d, inv.name)
    files = [p for p in catalogue_files(CATALOGUE) if p.parent.name.split("-")[0] in reviewed]
    assert len(files) >= 25
    for path in files:
        for text in (html, md):
            assert f"reportcheck replay {path}" in text, path
    # six sections, in both files
    for title in ("1. The question and the answer", "2. The page lifecycle", "3. Counterexamples",
                  "4. Proof evidence", "5. Coverage", "6. Guards for the kernel"):
        assert title in html and f"## {title}" in md


@pytest.mark.deep
def test_a_counterexample_says_what_the_other_designs_do(full_report: Path) -> None:
    report = full_report
    md = (report / "report.md").read_text()
    v9 = md.split("v9, tiny: index_trusted broken in 9 steps", 1)[1].split("\n### ", 1)[0]
    # v9's 9-step index_trusted trace, replayed on v10 and merged
    assert "- v10: " in v9 and "- merged: " in v9
    assert "reportcheck replay " in v9 and "index_trusted" in v9
    assert "**`" in v9  # changed fields are highlighted


@pytest.mark.deep
def test_guards_section_has_paste_ready_c_for_every_read_site(full_report: Path) -> None:
    report = full_report
    md = (report / "report.md").read_text()
    guards = md.split("## 6. Guards for the kernel", 1)[1]
    assert "static int free_list_mt(struct page *page)" in guards
    for d, n in (("v9", 5), ("v10", 5), ("merged", 4)):
        assert guards.count(f"### {d}: ") == n, d
    assert guards.count("VM_BUG_ON_PAGE(") >= 14
    assert "VM_BUG_ON_PAGE(!PageReported(page) || !PageBuddy(page) || page->index != free_list_mt(page), page);" \
        in guards


def test_every_section_claim_and_stored_counterexample_of_the_reviewed_design_appears(report: Path) -> None:
    """What test_every_design_invariant_and_stored_counterexample_appears checks of every
    design (deep), for the designs of this report."""
    html, md = (report / "index.html").read_text(), (report / "report.md").read_text()
    reviewed = [d for d in DESIGNS if f"\n### {d}\n" in md.split("## 3.", 1)[0]]
    assert "merged" in reviewed
    for d in reviewed:
        for text in (html, md):
            assert all(inv.name in text for inv in build_model(ModelKey(d)).invariants), d
    files = [p for p in catalogue_files(CATALOGUE) if p.parent.name.split("-")[0] in reviewed]
    assert len(files) >= 10
    for path in files:
        assert f"reportcheck replay {path}" in html and f"reportcheck replay {path}" in md, path
    for title in ("1. The question and the answer", "2. The page lifecycle", "3. Counterexamples",
                  "4. Proof evidence", "5. Coverage", "6. Guards for the kernel"):
        assert title in html and f"## {title}" in md


def test_the_merged_guards_are_paste_ready_c(report: Path) -> None:
    guards_md = (report / "report.md").read_text().split("## 6. Guards for the kernel", 1)[1]
    assert guards_md.count("### merged: ") == 4
    assert "VM_BUG_ON_PAGE(page->index >= MIGRATE_TYPES, page);" in guards_md
    # the number of guards of each design, as the report of every design (deep) shows them
    assert {d: len(guards.guards(build_model(ModelKey(d)))) for d in DESIGNS} == \
        {"v9": 5, "v10": 5, "merged": 4, "none": 0}  # none: 6.10, nothing reads ->index


def test_a_stored_counterexample_is_replayed_on_the_other_designs() -> None:
    """The data behind test_a_counterexample_says_what_the_other_designs_do (deep): v9's
    9-step index_trusted trace, replayed on v10 and merged."""
    stored, problems = review.stored_counterexamples(CATALOGUE, ["v9", "v10", "merged"])
    assert problems == []
    (c,) = [c for c in stored if c.trace.design == "v9" and c.trace.fault is None and c.trace.key.kernel.pcp_cache
            and c.trace.invariant == "index_trusted"]
    assert len(c.trace.steps) == 9 and [o.design for o in c.others] == ["v10", "merged"]
    assert all(o.outcome for o in c.others)
    # mapped through the shared kernel operations: merged runs them with its worker's own steps
    v10, merged = (o.outcome for o in c.others)
    assert v10 == "runs the same kernel operations and breaks index_trusted too, at step 9 of 9"
    assert merged.startswith("runs every step (with extra steps of merged's worker: ") and "rejects" not in merged


def test_coverage_names_what_each_fault_breaks_and_the_claims_nothing_breaks(report: Path) -> None:
    md = (report / "report.md").read_text()
    coverage = md.split("## 5. Coverage", 1)[1].split("## 6.", 1)[0]
    row = next(line for line in coverage.splitlines() if line.startswith("| `pcp-index-not-set`"))
    assert "`index_trusted` (4 steps)" in row  # the fault is the cause: merged keeps it on those operations
    assert "`free_list_matches_pageblock` (4 steps; merged itself breaks it on the same operations)" in row
    # on tiny no merge crosses a pageblock: no_mixed_merge's read site is never reached (its verdict's marker)
    assert "`no_mixed_merge`: ⚠ proved (vacuous): 1 read site never reached: __free_one_page" in coverage
    assert "no fault breaks free_counts, and no design does" in coverage
    assert "no fault breaks free_list_matches_pageblock" not in coverage  # every design refutes it


def _md_lifecycle(md: str, design: str) -> set[tuple[str, str, str]]:
    part = md.split("## 2. The page lifecycle", 1)[1].split("## 3.", 1)[0]
    part = part.split(f"### {design}\n", 1)[1].split("\n### ", 1)[0]
    edges = set()
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit() and not cells[4]:  # the design's own arrows
            for fn in cells[3].strip("`").split(", "):
                edges.add((cells[1], cells[2], fn))
    return edges


def _projection_of_the_state_graph(design: str) -> set[tuple[str, str, str]]:
    """Independently of checker.review.lifecycle: the full state graph in networkx, every edge
    labelled with its action (as check and replay spell it), each projected onto every page by decoding."""
    import networkx as nx  # type: ignore[import-untyped]

    interp = Interpreter(build_model(ModelKey(design)))
    g = nx.MultiDiGraph()
    start = interp.initial()
    seen, todo = {start}, [start]
    while todo:
        s = todo.pop()
        for tr in interp.successors(s):
            g.add_edge(s, tr.target, fn=interp.model.actions[tr.action].name)
            if tr.target not in seen:
                seen.add(tr.target)
                todo.append(tr.target)

    def label(state: dict[str, list[str]], p: int) -> str:
        w = state["where"][p]
        return w + ("+Reported" if state["reported"][p] == "true" else "") + \
            (" (ISOLATE)" if w == "BUDDY" and state["list_mt"][p] == "ISOLATE" else "")

    decoded = {s: interp.decode(s) for s in g.nodes}
    out = set()
    for s, t, data in g.edges(data=True):
        for p in range(interp.model.constants["npfn"]):
            a, b = label(decoded[s], p), label(decoded[t], p)
            if a != b:
                out.add((a, b, data["fn"]))
    return out


@pytest.mark.deep
def test_lifecycle_edges_are_the_projection_of_the_explicit_state_graph(full_report: Path) -> None:
    md = (full_report / "report.md").read_text()
    expected = _projection_of_the_state_graph("v10")
    assert _md_lifecycle(md, "v10") == expected
    assert ("BUDDY+Reported", "BUDDY+Reported (ISOLATE)", "start_isolate_page_range") in expected


def test_fault_only_arrows_are_shown_apart() -> None:
    life = lifecycle.Lifecycle("merged", {("ALLOC", "FREEING", "f")})
    lifecycle.merge_fault(life, "some-fault", [("ALLOC", "FREEING", "f"), ("ALLOC", "BUDDY+Reported", "g")])
    assert life.fault_edges == {("ALLOC", "BUDDY+Reported", "g"): ["some-fault"]}
    assert life.grouped()[-1] == ("ALLOC", "BUDDY+Reported", ["g"], ["some-fault"])
    assert 'stroke-dasharray' in lifecycle.svg(life)


@pytest.mark.deep  # a minute of Z3: merged's proof of every claim; the same proof of the headline's two is test_proof.py's
def test_proof_evidence_names_what_each_proof_rests_on(tmp_path: Path) -> None:
    assert main(["report", "--out", str(tmp_path), "--design", "merged", "--engine", "proof", "--no-faults",
                 "--catalogue", str(CATALOGUE), "--jobs", "1"]) == 0
    md = (tmp_path / "report.md").read_text()
    proofs = md.split("## 4. Proof evidence", 1)[1].split("## 5.", 1)[0]
    assert "### proof: merged" in proofs and "Solver time" in proofs
    row = next(line for line in proofs.splitlines() if line.startswith("| `index_trusted`"))
    assert "| **proved** |" in row and "pcp_page_index_is_list_type" in row
    assert "**refuted**" not in md.split("## 3.", 1)[0]  # merged: nothing refuted by the proof engine


@pytest.mark.parametrize("argv, message", [
    (["--design", "v11"], "unknown design 'v11'"),
    (["--engine", "magic"], "unknown engine 'magic'"),
    (["--config", "huge"], "unknown configuration 'huge'"),
    (["--fault", "nope"], "unknown fault 'nope'"),
    (["--design", "v10", "--fault", "pcp-index-not-set"], "add --design merged"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--catalogue", "no-such-dir"], "pass --catalogue DIR"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         argv: list[str], message: str) -> None:
    out = tmp_path / "out"
    assert main(["report", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_an_out_path_that_is_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    out.write_text("keep me")
    assert main(["report", "--out", str(out)]) == 2
    assert "is a file; name a directory" in capsys.readouterr().err
    assert out.read_text() == "keep me"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("REPORTCHECK_REQUIRE_TOOLS"),
                    reason="chromium is not installed (.ci/run installs Debian's chromium)")
def test_a_real_browser_renders_the_report(report: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None, "REPORTCHECK_REQUIRE_TOOLS is set but chromium is not installed"
    page = (report / "index.html").resolve().as_uri()
    shot = tmp_path / "report.png"
    common = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    run = subprocess.run([*common, f"--screenshot={shot}", "--window-size=1280,2400", page],
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    dom = subprocess.run([*common, "--dump-dom", page], capture_output=True, text=True, timeout=180, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the browser parsed the whole page: the last section and an inline picture are in its DOM
    assert "6. Guards for the kernel" in dom.stdout and "<svg" in dom.stdout


def test_one_spelling_of_each_action_in_check_itf_replay_and_the_report(
        report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rmqueue_buddy models rmqueue(): every output spells the action rmqueue_buddy, as
    check and replay take it back, and names rmqueue() where it says the kernel function."""
    import json

    path = CATALOGUE / "merged" / "free_list_matches_pageblock.itf.json"
    step = "rmqueue_buddy(order=1, migratetype=UNMOVABLE)"
    meta = json.loads(path.read_text())["states"][2]["#meta"]
    assert (meta["action"], meta["kernel_name"]) == ("rmqueue_buddy", "rmqueue")  # ITF
    assert main(["replay", str(path)]) == 1  # it still breaks the claim
    assert f"2. {step}  mm/page_alloc.c, rmqueue() in the kernel" in capsys.readouterr().out  # replay, check
    md, txt = (report / "report.md").read_text(), (report / "report.txt").read_text()
    assert f"`{step}` (rmqueue() in the kernel)" in md.split("## 3. Counterexamples", 1)[1]
    assert f"{step} mm/page_alloc.c, rmqueue() in the kernel" in " ".join(txt.split())  # 72 columns, wrapped
    life = md.split("## 2. The page lifecycle", 1)[1].split("## 3.", 1)[0]
    assert "`rmqueue_buddy`" in life and "rmqueue_buddy is rmqueue() in the kernel" in life
    assert "`rmqueue`" not in life and "`rmqueue," not in life and ", rmqueue`" not in life
    assert "rmqueue_buddy " in md.split("## 5. Coverage", 1)[1]  # actions fired, by action
