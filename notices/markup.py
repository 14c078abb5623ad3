"""The small Markdown-like markup a rendered template is written in, read into blocks.

    # Title                 the letter's title (once per letter)
    ## Heading              a section (Heading 1)
    ### Heading             a sub-section (Heading 2)
    - item                  a bulleted item (continued by the next lines until a blank line)
    | a | b |               a table: first row is the header, then an optional
    |---|--:|               alignment row (``--:`` right, ``:-:`` centred), then the rows
    text                    a paragraph; lines join with a space, a line ending in ``\\``
                            breaks the line there (e.g. an address)

Blank lines separate paragraphs, items and tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]


class NoticeError(ValueError):
    """A notice could not be rendered: a value is missing or a template is malformed."""


@dataclass(frozen=True)
class Heading:
    level: int  # 0 = the title, 1 = Heading 1, 2 = Heading 2
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str  # "\n" marks a line break


@dataclass(frozen=True)
class Bullet:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    align: tuple[Align, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullet | Table

_HEADING = re.compile(r"(#{1,3}) +(.*)")
_ALIGN_CELL = re.compile(r":?-+:?")


def parse(text: str) -> list[Block]:
    """The blocks of a rendered template, in order."""
    blocks: list[Block] = []
    lines: list[str] = []  # the paragraph or item being read
    item = False  # are ``lines`` a bulleted item?
    table: list[str] = []

    def flush() -> None:
        nonlocal item
        if lines:
            joined = "".join(line[:-1].rstrip() + "\n" if line.endswith("\\") else line + " " for line in lines).strip()
            blocks.append(Bullet(joined) if item else Paragraph(joined))
            lines.clear()
        if table:
            blocks.append(_table(table))
            table.clear()
        item = False

    for raw in text.splitlines():
        line = raw.replace("\t", " ").strip()
        heading = _HEADING.fullmatch(line)
        if not line:
            flush()
        elif line.startswith("|"):
            if lines:
                flush()
            table.append(line)
        elif heading:
            flush()
            blocks.append(Heading(len(heading.group(1)) - 1, heading.group(2).strip()))
        elif line.startswith("- "):
            flush()
            item = True
            lines.append(line[2:].strip())
        else:
            if table:
                flush()
            lines.append(line)
    flush()
    return blocks


def _cells(line: str) -> list[str]:
    inner = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
    return [cell.strip() for cell in inner.split("|")]


def _table(lines: list[str]) -> Table:
    header = _cells(lines[0])
    rest = [_cells(line) for line in lines[1:]]
    align: list[Align] = ["left"] * len(header)
    if rest and all(_ALIGN_CELL.fullmatch(cell) for cell in rest[0]):
        spec = rest.pop(0)
        align = [_alignment(cell) for cell in spec]
    for width in [len(align)] + [len(row) for row in rest]:
        if width != len(header):
            raise NoticeError(f"a table row has {width} cells where the header has {len(header)}: {lines[0]}")
    return Table(tuple(header), tuple(align), tuple(tuple(row) for row in rest))


def _alignment(cell: str) -> Align:
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    return "right" if cell.endswith(":") else "left"
