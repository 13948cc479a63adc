"""``reportcheck report`` without the slow engines: knobs, partial reports, progress in a
CI log, report.txt for a mailing list, and a run outside the project."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from rich.console import Console

from checker.cli import report as report_cli
from checker.cli.main import main
from checker.review import mail
from checker.review import run as review

QUICK = ["--engine", "hypothesis", "--examples", "5", "--steps", "5", "--no-faults", "--jobs", "1"]


def test_a_partial_review_comes_after_every_job_but_the_last() -> None:
    seen: list[review.Review] = []
    r = review.gather(["v9", "v10"], "tiny", ["hypothesis"], None, 1, faults=[],
                      options=review.RunOptions(examples=5, steps=5, seed=0), partial=seen.append)
    assert [p.pending for p in seen] == [["hypothesis v10"]]
    assert [res.job.label for res in seen[0].results] == ["hypothesis v9"]
    assert r.pending == [] and r.catalogue is None and r.options.examples == 5
    text = mail.mail_text(seen[0])
    assert "Partial: 1 engine jobs still running (hypothesis v10)." in text


def test_report_outside_the_project_runs_without_a_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no counterexamples/ here
    assert main(["report", "--out", "out", "--design", "v9", *QUICK]) == 0
    err = capsys.readouterr().err
    assert "note: no stored counterexamples" in err
    md = (tmp_path / "out" / "report.md").read_text()
    assert "no stored counterexamples" in md and "--examples 5" in md and "kernel era v9 5.3 (each design" in md
    txt = (tmp_path / "out" / "report.txt").read_text()
    assert all(len(line) <= mail.WIDTH for line in txt.splitlines() if " " in line.strip()), \
        [line for line in txt.splitlines() if len(line) > mail.WIDTH]
    assert txt.startswith("reportcheck design review: is page->index trusted when it is read?\n")
    assert "https://lore.kernel.org/linux-mm/?q=" in txt and "\nSummary\n" in txt and "\nGuards (CONFIG_DEBUG_VM)\n" in txt


def test_report_takes_the_era(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path), "--design", "merged", "--pcp-cache", "off", *QUICK]) == 0
    assert "kernel era merged 6.10;" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize("argv,message", [
    (["--engine", "explicit", "--depth", "3"],
     "--depth is an option of engine bmc, which this report does not run: drop it or add --engine bmc"),
    (["--examples", "0"], "--examples must be a positive number"),
    (["--catalogue", "/nonexistent"], "--catalogue /nonexistent is not a directory of stored counterexamples"),
    (["--kernel", "2.6"], "unknown kernel release '2.6'"),
])
def test_bad_report_options_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                         message: str) -> None:
    assert main(["report", "--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "out").exists()


def test_without_a_terminal_a_progress_line_comes_every_few_seconds() -> None:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=False, soft_wrap=True)
    with report_cli._heartbeat(con, lambda: "report: 1 of 3 engine jobs done", every=0.02):
        time.sleep(0.2)
    lines = buf.getvalue().splitlines()
    assert len(lines) >= 3 and set(lines) == {"report: 1 of 3 engine jobs done"}
    assert report_cli.HEARTBEAT_SECONDS <= 10


def test_mail_wraps_c_and_commands_to_72_columns() -> None:
    guard = ("    VM_BUG_ON_PAGE(page->index >= MIGRATE_TYPES || (page->index != migratetype && "
             "(migratetype != MIGRATE_MOVABLE || (page->index != MIGRATE_CMA && "
             "page->index != MIGRATE_HIGHATOMIC))), page);")
    lines = mail.wrap_c(guard)
    assert all(len(line) <= mail.WIDTH for line in lines) and len(lines) > 1
    assert " ".join(x.strip() for x in lines) == guard.strip()
    cmd = mail.wrap_command("reportcheck check --design v9 --pcp-cache on --config tiny "
                            "--invariant boundary_lookup_sound", "      ")
    assert cmd[0].endswith(" \\") and all(len(line) <= mail.WIDTH for line in cmd)


def test_the_command_writes_a_partial_report_then_the_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    written: list[list[str]] = []
    real = report_cli.write_report

    def spy(out: Path, r: review.Review) -> None:
        real(out, r)
        written.append(list(r.pending))
        if r.pending:  # the partial files are there, and say what is still running
            assert "Partial report, written as the engine jobs finish: 1 still running (hypothesis v10)" \
                in (out / "report.md").read_text()

    monkeypatch.setattr(report_cli, "write_report", spy)
    assert main(["report", "--out", str(tmp_path), "--design", "v9", "--design", "v10", *QUICK]) == 0
    assert written == [["hypothesis v10"], []]
    assert "Partial report" not in (tmp_path / "report.md").read_text()
