"""The README's example output is what the command prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.cli.main import main

README = Path(__file__).resolve().parent.parent / "README.md"
COMMAND = ["check", "--invariant", "index_trusted", "--invariant", "reported_implies_buddy"]


def normalised(line: str) -> str:
    """The parts that differ from run to run: the spec digest (any spec change) and timings."""
    line = re.sub(r"spec [0-9a-f]{16}", "spec <digest>", line)
    return re.sub(r"\d[\d.]* s \([\d,]+ states/s\)", "<time>", line)


def example_block() -> list[str]:
    text = README.read_text()
    section = text.split("## Example output", 1)[1]
    return section.split("```\n", 2)[1].splitlines()


def test_the_readme_example_is_the_output_of_its_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "`reportcheck " + " ".join(COMMAND) + "`" in README.read_text().split("## Example output", 1)[1][:200]
    code = main(COMMAND)
    out = [normalised(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 1
    shown = [normalised(x) for x in example_block() if x.strip() != "..."]
    at = 0
    for line in shown:  # every line the README shows, in the order the command prints them
        assert line in out[at:], f"README line not in the output (after line {at}): {line!r}"
        at = out.index(line, at) + 1


def test_the_readme_legend_is_the_outputs_legend() -> None:
    """Every field of every design, every value of where and index_by, as legend.py says."""
    from checker.outputs.legend import INDEX_BY_VALUES, WHERE_VALUES, field_lines
    from spec import DESIGNS, ModelKey, build_model

    section = README.read_text().split("## Reading a counterexample", 1)[1].split("\n## ", 1)[0]
    rows = set(section.splitlines())
    for d in DESIGNS:
        for name, doc in field_lines(build_model(ModelKey(d))):
            assert f"| `{name}` | {doc} |" in rows, name
    for k, v in {**WHERE_VALUES, **INDEX_BY_VALUES}.items():
        assert f"| `{k}` | {v} |" in rows, k
