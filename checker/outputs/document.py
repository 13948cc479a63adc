"""A small document model with two writers: Markdown and self-contained HTML.

The review report is built once as a list of blocks; :func:`markdown` and :func:`html`
write the same content, so the two files cannot drift apart.  Text is escaped by the
writers; nothing in a block is markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

Style = str  # "", "code", "bold", "mark" (a changed field), "proved", "refuted", "unknown", "warn",
# "br" (a line break: the text is ignored)


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = ""


Inline = list[Span]


BR = Span("", "br")


def t(text: str, style: Style = "") -> Inline:
    return [Span(text, style)]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    spans: Inline


@dataclass(frozen=True)
class Bullets:
    items: list[Inline]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Inline]]
    classes: list[str] = field(default_factory=list)  # per row, for the HTML


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""


@dataclass(frozen=True)
class Picture:
    svg: str  # an <svg> element made by this program, inlined in the HTML
    alt: str  # what the Markdown says instead


Block = Heading | Para | Bullets | Table | Code | Picture


# ------------------------------------------------------------------------ Markdown
def _md_inline(spans: Inline, in_table: bool = False) -> str:
    out = []
    for s in spans:
        text = s.text.replace("\n", " ")
        text = text.replace("|", "\\|") if in_table else text
        if s.style == "br":
            out.append("<br>" if in_table else "  \n")
        elif s.style == "code" or s.style == "mark":
            tick = "``" if "`" in text else "`"
            body = f"{tick}{text}{tick}"
            out.append(f"**{body}**" if s.style == "mark" else body)
        elif s.style in ("bold", "refuted", "proved"):
            out.append(f"**{text}**")
        elif s.style == "warn":
            out.append(f"⚠ {text}")
        else:
            out.append(text)
    return "".join(out)


def markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, Para):
            out.append(_md_inline(b.spans))
        elif isinstance(b, Bullets):
            out.append("\n".join("- " + _md_inline(i) for i in b.items))
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(h.replace("|", "\\|") for h in b.header) + " |",
                     "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(_md_inline(c, True) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        elif isinstance(b, Code):
            out.append(f"```{b.lang}\n{b.text.rstrip()}\n```")
        elif isinstance(b, Picture):
            out.append(b.alt)
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------- HTML
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #333; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #bbb; margin-top: 2em; }
h3 { margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: 90%; }
th, td { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 92%; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: .6em; overflow-x: auto;
      white-space: pre-wrap; overflow-wrap: anywhere; }  /* a long guard line wraps, never cut off */
td code { overflow-wrap: anywhere; }
mark { background: #fff3a8; line-height: 1.7; }  /* the next line's highlight must not hide an underscore */
.proved { color: #1e7b34; font-weight: 600; }
.refuted { color: #b3261e; font-weight: 600; }
.unknown { color: #9a6700; font-weight: 600; }
.warn { color: #9a6700; }
.warn::before { content: "\\26A0\\FE0F  "; }
tr.final td { background: #fdecea; }
figure { margin: 1em 0; }
svg { max-width: 100%; height: auto; background: white; border: 1px solid #ddd; }
"""


def _html_inline(spans: Inline) -> str:
    out = []
    for s in spans:
        text = escape(s.text)
        if s.style == "br":
            out.append("<br>")
        elif s.style == "code":
            out.append(f"<code>{text}</code>")
        elif s.style == "mark":
            out.append(f"<mark><code>{text}</code></mark>")
        elif s.style == "bold":
            out.append(f"<strong>{text}</strong>")
        elif s.style in ("proved", "refuted", "unknown", "warn"):
            out.append(f'<span class="{s.style}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def html(blocks: list[Block], title: str) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>"]
    for b in blocks:
        if isinstance(b, Heading):
            anchor = f' id="{escape(b.anchor)}"' if b.anchor else ""
            out.append(f"<h{b.level}{anchor}>{escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_html_inline(b.spans)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            rows = []
            for k, row in enumerate(b.rows):
                cls = b.classes[k] if k < len(b.classes) and b.classes[k] else ""
                attr = f' class="{cls}"' if cls else ""
                rows.append(f"<tr{attr}>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>")
            head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in b.header) + "</tr>"
            out.append(f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")
        elif isinstance(b, Code):
            out.append(f"<pre><code>{escape(b.text.rstrip())}</code></pre>")
        elif isinstance(b, Picture):
            out.append(f"<figure>{b.svg}</figure>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def ticks(text: str, style: Style = "") -> Inline:
    """Text in which `backticked` parts are code."""
    parts = text.split("`")
    return [Span(p, "code" if k % 2 else style) for k, p in enumerate(parts) if p]
