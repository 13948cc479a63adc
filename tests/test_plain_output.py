"""Output that is not a terminal is plain text: nothing wrapped, nothing taken as markup."""

from __future__ import annotations

import io

import pytest

from checker.cli.main import main
from checker.outputs import render


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def test_list_keeps_square_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    """Text such as free_list[o][t] is printed as it is, not read as rich markup."""
    code, out = run(capsys, "list")
    assert code == 0
    assert "a free chunk on free_list[o][t] lies in a pageblock" in out
    assert "[PATCH v9 6/8] mm: Introduce Reported pages" in out


def test_piped_check_output_is_never_wrapped(capsys: pytest.CaptureFixture[str]) -> None:
    """Each step's changes are one line, however long: no token is split (nr_free_pages: 3
    -> 4 on two lines was the symptom), and no colour codes."""
    code, out = run(capsys, "check", "--design", "v9", "--invariant", "index_trusted")
    assert code == 1 and "\x1b[" not in out
    lines = out.splitlines()
    [step9] = [k for k, line in enumerate(lines) if line.startswith("   9. undo_isolate_page_range(range=1)")]
    changes = lines[step9 + 1]
    assert changes.startswith("      where[2]: BUDDY -> FREEING; ") and len(changes) > 160
    assert lines[step9 + 2] == ("      read site fails: index_trusted at page_reporting_del_from_boundary: "
                                "mt = get_pcppage_migratetype(page)")
    # the table is as wide as its widest row: the scope is one line
    assert any("shortest counterexample: 9 steps, found by breadth-first search of" in line
               and "states of config tiny" in line for line in lines)


def test_a_terminal_honours_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdout", Tty())
    monkeypatch.setenv("COLUMNS", "73")
    assert render.make_console().width == 73
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert render.make_console().width == render.PIPE_WIDTH
