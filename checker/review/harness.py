"""Compile the ``VM_BUG_ON_PAGE()`` guards with gcc and run them on replayed reads.

The harness is a small C program: a stand-in ``struct page`` (flags, ``private`` as the
buddy order, ``index``), the kernel's flag helpers and migratetype names, a stand-in
``free_list_mt()`` that reads the list the page is on from the record instead of walking
it, and ``VM_BUG_ON_PAGE`` defined to note that it fired.  Each guard is pasted in as its
own function, with exactly the text the report shows.  The program reads one line per
``->index`` read ("guard flags order index list_mt migratetype") and prints 1 when the
guard fires, else 0.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checker.errors import ReportcheckError
from checker.interp.concrete import Interpreter
from checker.review.guards import Guard, Read
from spec.ir import Model
from spec.kernel import BUDDY, MIGRATETYPES

PG_BUDDY, PG_REPORTED = 0, 1


class HarnessError(ReportcheckError, RuntimeError):
    """gcc is missing, or the harness did not compile or run; the message says which."""


@dataclass(frozen=True)
class Record:
    guard: int  # position in the guard list
    flags: int
    order: int
    index: int
    list_mt: int
    migratetype: int  # the function's local of that name, -1 when it has none


def harness_source(model: Model, guards: list[Guard]) -> str:
    mts = ", ".join(f"MIGRATE_{m}" for m in MIGRATETYPES)
    lines = [
        "#include <stdbool.h>",
        "#include <stdio.h>",
        "",
        f"enum migratetype {{ {mts}, MIGRATE_TYPES }};",
        f"#define PAGE_REPORTING_MIN_ORDER {model.constants['page_reporting_min_order']}",
        f"#define pageblock_order {model.constants['pageblock_order']}",
        f"#define MAX_ORDER {model.constants['max_order']}",
        f"enum pageflags {{ PG_buddy = {PG_BUDDY}, PG_reported = {PG_REPORTED} }};",
        "struct page { unsigned long flags; unsigned long private; unsigned long index; int list_mt; };",
        "static inline bool PageBuddy(struct page *page) { return page->flags & (1UL << PG_buddy); }",
        "static inline bool PageReported(struct page *page) { return page->flags & (1UL << PG_reported); }",
        "static inline unsigned int page_order(struct page *page) { return page->private; }",
        "/* stand-in for the CONFIG_DEBUG_VM list walk: the record says which list */",
        "static inline int free_list_mt(struct page *page) { return page->list_mt; }",
        "static int fired;",
        "#define VM_BUG_ON_PAGE(cond, page) do { if (cond) fired = 1; } while (0)",
        "",
    ]
    for k, g in enumerate(guards):
        lines += [f"/* {g.design}: {g.site} */",
                  f"static void guard_{k}(struct page *page, int migratetype)", "{",
                  "\t(void)page; (void)migratetype;", f"\t{g.c}", "}", ""]
    lines += [
        "int main(void)",
        "{",
        "\tint g, list_mt, migratetype;",
        "\tunsigned long flags, order, index;",
        '\twhile (scanf("%d %lu %lu %lu %d %d", &g, &flags, &order, &index, &list_mt, &migratetype) == 6) {',
        "\t\tstruct page page = { flags, order, index, list_mt };",
        "\t\tfired = 0;",
        "\t\tswitch (g) {",
        *(f"\t\tcase {k}: guard_{k}(&page, migratetype); break;" for k in range(len(guards))),
        "\t\tdefault: return 2;",
        "\t\t}",
        '\t\tprintf("%d\\n", fired);',
        "\t}",
        "\treturn 0;",
        "}",
        "",
    ]
    return "\n".join(lines)


def record_of(interp: Interpreter, guards: list[Guard], read: Read) -> Record:
    """The harness input for one read: the page's fields in the state at the read."""
    lay, s, p = interp.layout.offsets, read.state, read.page
    flags = ((s[lay["where"] + p] == BUDDY) << PG_BUDDY) | (s[lay["reported"] + p] << PG_REPORTED)
    k = next(i for i, g in enumerate(guards) if g.site == read.site)
    return Record(k, flags, s[lay["order"] + p], s[lay["index"] + p], s[lay["list_mt"] + p],
                  read.args.get("migratetype", -1))


def run(model: Model, guards: list[Guard], records: list[Record], workdir: Path | None = None) -> list[bool]:
    """Compile the harness (gcc -Wall -Werror, as a kernel build warns) and return, per record, whether
    its guard fired."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise HarnessError("gcc not found: install gcc (Debian: apt-get install gcc) to compile the guards")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        src, exe = Path(tmp) / "guards.c", Path(tmp) / "guards"
        src.write_text(harness_source(model, guards))
        cc = subprocess.run([gcc, "-std=gnu11", "-Wall", "-Werror", "-o", str(exe), str(src)],
                            capture_output=True, text=True, check=False)
        if cc.returncode != 0:
            raise HarnessError(f"the guards do not compile:\n{cc.stderr}")
        stdin = "".join(f"{r.guard} {r.flags} {r.order} {r.index} {r.list_mt} {r.migratetype}\n" for r in records)
        out = subprocess.run([str(exe)], input=stdin, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise HarnessError(f"the harness failed (exit {out.returncode}): {out.stderr.strip()}")
    fired = [line == "1" for line in out.stdout.split()]
    if len(fired) != len(records):
        raise HarnessError(f"the harness answered {len(fired)} of {len(records)} reads")
    return fired
