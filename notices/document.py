"""Letters as DOCX, built with python-docx; batches reuse everything that does not change.

A letter's package has a dozen parts (styles, numbering, theme, settings...) that depend only on
its language, and two that depend on the letter: ``word/document.xml`` and ``docProps/core.xml``.
Each process builds one python-docx document per language, saves it once and keeps its parts
deflated. Per letter it empties that document's body, writes the letter into it with python-docx
(a paragraph or table seen in an earlier letter, such as a heading or a standard paragraph, is
moved back in rather than built again), serializes the two changed parts and zips them with the
kept ones (``notices.archive``). The parts are exactly those python-docx saves for the same letter
(``build_document``, the plain way), and every timestamp is fixed, so the same data always gives
the same bytes and SHA-256.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import multiprocessing
import threading
import zipfile
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import repeat
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from grants.errors import Lang
from grants.i18n import TORONTO
from notices import archive
from notices.data import NoticeData
from notices.markup import Block, Bullet, Heading, NoticeError, Paragraph, Table, parse
from notices.text import Templates

CULTURES: dict[Lang, str] = {"fr": "fr-CA", "en": "en-CA"}
HEADING_STYLES = ("Title", "Heading 1", "Heading 2")
TABLE_STYLE = "Light Grid Accent 1"
LETTERHEAD_STYLE = "Letterhead"
_ALIGN = {"left": None, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_CHUNK = (50, 400)  # smallest and largest number of letters sent to a worker at once
_XML_SPACE, _TR, _TC, _P = qn("xml:space"), qn("w:tr"), qn("w:tc"), qn("w:p")
_MAX_REUSED = 4096  # paragraphs and tables kept for reuse, per language and process

TemplateDir = Path | str | None


def new_document(lang: Lang) -> Document:
    """An empty python-docx document set up for letters in ``lang``: proofing language, margins, styles."""
    document = docx.Document()
    # The stock template carries a thumbnail of a blank page and a second copy of its styles for
    # Word 2007 (stylesWithEffects); neither would match the letter.
    package = document.part.package
    for rels, reltype in ((package.rels, RT.THUMBNAIL), (document.part.rels, _STYLES_WITH_EFFECTS)):
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype == reltype]:
            del rels[rel_id]
    # Word's spelling and grammar check follows the default run language (w:lang) of the styles.
    culture = CULTURES[lang]
    for lang_element in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        lang_element.set(qn("w:val"), culture)
    for theme_lang in document.settings.element.xpath("w:themeFontLang"):
        theme_lang.set(qn("w:val"), culture)
    section = document.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    letterhead = document.styles.add_style(LETTERHEAD_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    letterhead.base_style = document.styles["Normal"]
    letterhead.font.size = Pt(9)
    letterhead.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    letterhead.paragraph_format.space_after = Pt(18)
    return document


class LetterWriter:
    """Writes letters into a python-docx document, one after another.

    With ``reuse``, a paragraph or table already built for an earlier letter (same style, same text)
    goes back in instead of being built again: headings and standard paragraphs repeat in every
    letter. New ones start from a copy of an empty paragraph (or table) of their style and shape.
    """

    def __init__(self, document: Document, *, reuse: bool = False) -> None:
        self.document = document
        self.end = document.element.body.sectPr  # the section properties close the body; letters go before
        styles = document.styles  # looked up once: python-docx searches the styles by name on each call
        self.headings = [styles[name].style_id for name in HEADING_STYLES]
        self.bullet = styles["List Bullet"].style_id
        self.letterhead = styles[LETTERHEAD_STYLE].style_id
        self.table = styles[TABLE_STYLE].style_id
        self.built: dict[Hashable, BaseOxmlElement] | None = {} if reuse else None
        self.empty: dict[str | None, CT_P] = {}  # an empty paragraph per style, to copy
        self.properties: dict[str, object] = {}  # the core properties as last set
        self.empty_tables: dict[Hashable, CT_Tbl] = {}  # an empty table per shape, to copy

    def write(self, data: NoticeData, blocks: Sequence[Block]) -> None:
        """Write the letter into the document's empty body and set the document's properties."""
        fr = data.language == "fr"
        office = data.office
        name = office.name_fr if fr else office.name_en
        lines = office.letterhead_fr if fr else office.letterhead_en
        self._add(("letterhead", name, lines), lambda: self._letterhead(name, lines))
        title = ""
        for block in blocks:
            if isinstance(block, Heading):
                title = title or (block.text if block.level == 0 else "")
                self._paragraph(block.text, self.headings[block.level])
            elif isinstance(block, Paragraph):
                self._paragraph(block.text, None)
            elif isinstance(block, Bullet):
                self._paragraph(block.text, self.bullet)
            else:
                self._add(block, partial(self._table, block))
        if not title:
            raise NoticeError(f"the {data.kind} template ({data.language}) has no title line (# ...)")
        # The letter's date at midnight in Toronto, written in UTC as the format requires.
        midnight = dt.datetime.combine(data.issue_date, dt.time(), TORONTO).astimezone(dt.UTC).replace(tzinfo=None)
        self._set_properties(
            title=title,
            subject=(data.call_title_fr if fr else data.call_title_en)[:255],
            author=name,
            last_modified_by=name,
            language=CULTURES[data.language],
            identifier=data.reference,
            category=data.kind,
            keywords=data.reference,
            comments="",
            revision=1,
            created=midnight,
            modified=midnight,
        )

    def _set_properties(self, **values: object) -> None:
        """Set the core properties, skipping those the previous letter already set to the same value."""
        properties = self.document.core_properties
        for name, value in values.items():
            if self.properties.get(name, self) != value:
                setattr(properties, name, value)
                self.properties[name] = value

    def _add(self, key: Hashable, build: Callable[[], BaseOxmlElement]) -> None:
        if self.built is None:
            build()
            return
        element = self.built.get(key)
        if element is None:
            if len(self.built) >= _MAX_REUSED:
                self.built.clear()
            self.built[key] = build()
        else:
            # Emptying the body detaches the element for the next letter; a second use in the same letter is a copy.
            self.end.addprevious(element if element.getparent() is None else copy.deepcopy(element))

    def clear(self) -> None:
        """Empty the body for the next letter (keeping its section properties)."""
        body = self.end.getparent()
        for element in list(body):
            if element is not self.end:
                body.remove(element)

    def _paragraph(self, text: str, style_id: str | None) -> None:
        if self.built is None:
            _add_paragraph(self.document, text, style_id)
        else:
            self._add((style_id, text), lambda: self._copy_of_empty(style_id, text))

    def _copy_of_empty(self, style_id: str | None, text: str) -> CT_P:
        """``_add_paragraph``, quicker: an empty paragraph of the style, built once, copied, then filled."""
        empty = self.empty.get(style_id)
        if empty is None:
            empty = self.empty[style_id] = _add_paragraph(self.document, "", style_id)._p
            self.end.getparent().remove(empty)
        paragraph = copy.deepcopy(empty)
        _add_text(paragraph[-1], text)  # its one run
        self.end.addprevious(paragraph)
        return paragraph

    def _letterhead(self, name: str, lines: tuple[str, ...]) -> BaseOxmlElement:
        paragraph = _add_paragraph(self.document, name, self.letterhead)
        paragraph.runs[0].bold = True
        if lines:
            _add_text(paragraph._p.add_r(), "\n" + "\n".join(lines))
        return paragraph._p

    def _table(self, block: Table) -> BaseOxmlElement:
        if self.built is None:
            return self._new_table(block, fill=True)
        shape = (len(block.rows), block.align)
        empty = self.empty_tables.get(shape)
        if empty is None:
            empty = self.empty_tables[shape] = self._new_table(block, fill=False)
            self.end.getparent().remove(empty)
        table = copy.deepcopy(empty)
        for tr, values in zip(table.iterchildren(_TR), [block.header, *block.rows], strict=True):
            for tc, value in zip(tr.iterchildren(_TC), values, strict=True):
                run = OxmlElement("w:r")  # what ``add_r`` appends to the cell's empty paragraph
                tc.find(_P).append(run)
                _add_text(run, value)
        self.end.addprevious(table)
        return table

    def _new_table(self, block: Table, *, fill: bool) -> CT_Tbl:
        table = self.document.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table._tbl.tblStyle_val = self.table  # what ``table.style = ...`` writes, without its style scan
        # The header row repeats on each page, and screen readers announce it as the header.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for row, values in zip(table.rows, [block.header, *block.rows], strict=True):
            for cell, value, align in zip(row.cells, values, block.align, strict=True):
                paragraph = cell.paragraphs[0]
                if _ALIGN[align] is not None:
                    paragraph.alignment = _ALIGN[align]
                if fill:
                    _add_text(paragraph._p.add_r(), value)
        return table._tbl


# python-docx's public setters are slow for what letters do thousands of times: ``Paragraph.style``
# scans every style of the document for the default one, and ``Run.text`` goes character by character.
# These helpers write the XML those setters write, through python-docx's XML layer (the tests compare
# with a letter built through the public API).


def _add_paragraph(document: Document, text: str, style_id: str | None) -> DocxParagraph:
    paragraph = document.add_paragraph()
    if style_id is not None:
        paragraph._p.style = style_id
    _add_text(paragraph._p.add_r(), text)
    return paragraph


def _add_text(run: CT_R, text: str) -> None:
    """``Run.text = text`` for text whose only control character is a line break.

    The elements python-docx's ``CT_R.add_t`` and ``add_br`` create, appended directly (they have no
    successors to look for in a run that holds only text).
    """
    for number, line in enumerate(text.split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        if line:
            t = OxmlElement("w:t")
            t.text = line
            if len(line.strip()) < len(line):
                t.set(_XML_SPACE, "preserve")
            run.append(t)


def build_document(data: NoticeData, *, template_dir: TemplateDir = None) -> Document:
    """The letter as a fresh python-docx document: the plain way, slow; ``render_docx`` gives the same parts."""
    document = new_document(data.language)
    LetterWriter(document).write(data, parse(_templates(template_dir).render(data)))
    return document


class _Skeleton:
    """A language's document kept between letters, with its unchanging parts already deflated."""

    def __init__(self, lang: Lang) -> None:
        self.document = new_document(lang)
        self.writer = LetterWriter(self.document, reuse=True)
        self.core_part = self.document.part.package._core_properties_part
        saved = io.BytesIO()
        self.document.save(saved)
        with zipfile.ZipFile(saved) as package:
            self.members = [archive.Member.deflate(name, package.read(name)) for name in package.namelist()]
        # Where the two parts that change go, in the order python-docx writes the parts.
        self.document_name = self.document.part.partname.membername
        self.core_name = self.core_part.partname.membername
        names = [member.name.decode() for member in self.members]
        self.document_at, self.core_at = names.index(self.document_name), names.index(self.core_name)
        self.lock = threading.Lock()

    def letter_parts(self, data: NoticeData, blocks: Sequence[Block]) -> _LetterParts:
        """The letter's own parts (document and core properties), deflated."""
        with self.lock:
            self.writer.clear()
            self.writer.write(data, blocks)
            document_xml, core_xml = self.document.part.blob, self.core_part.blob
        document = archive.Member.deflate(self.document_name, document_xml)
        return data.language, document, archive.Member.deflate(self.core_name, core_xml)

    def package(self, parts: _LetterParts) -> bytes:
        members = list(self.members)
        members[self.document_at], members[self.core_at] = parts[1], parts[2]
        return archive.write(members)


# (language, word/document.xml, docProps/core.xml): what a worker process sends back per letter.
_LetterParts = tuple[Lang, archive.Member, archive.Member]


class _Renderer:
    def __init__(self, template_dir: TemplateDir) -> None:
        self.templates = Templates(template_dir)
        self.skeletons: dict[Lang, _Skeleton] = {}
        self.lock = threading.Lock()

    def skeleton(self, lang: Lang) -> _Skeleton:
        with self.lock:
            if lang not in self.skeletons:
                self.skeletons[lang] = _Skeleton(lang)
            return self.skeletons[lang]

    def letter_parts(self, data: NoticeData) -> _LetterParts:
        blocks = parse(self.templates.render(data))
        return self.skeleton(data.language).letter_parts(data, blocks)

    def package(self, parts: _LetterParts) -> bytes:
        return self.skeleton(parts[0]).package(parts)


_RENDERERS: dict[str | None, _Renderer] = {}
_RENDERERS_LOCK = threading.Lock()


def _renderer(template_dir: TemplateDir) -> _Renderer:
    key = str(Path(template_dir).resolve()) if template_dir is not None else None
    with _RENDERERS_LOCK:
        if key not in _RENDERERS:
            _RENDERERS[key] = _Renderer(key)
        return _RENDERERS[key]


def _templates(template_dir: TemplateDir) -> Templates:
    return _renderer(template_dir).templates


def render_text(data: NoticeData, *, template_dir: TemplateDir = None) -> str:
    """The letter as rendered markup text (for previews and e-mail bodies)."""
    return _templates(template_dir).render(data)


def render_docx(data: NoticeData, *, template_dir: TemplateDir = None) -> bytes:
    """The letter as DOCX bytes; the same data always gives the same bytes (and SHA-256)."""
    renderer = _renderer(template_dir)
    return renderer.package(renderer.letter_parts(data))


def render_batch(items: Sequence[NoticeData], *, workers: int = 2, template_dir: TemplateDir = None) -> list[bytes]:
    """``render_docx`` of each item, in order, on ``workers`` processes: the same bytes, faster.

    Workers send back only each letter's own two parts; this process zips them with the shared
    ones. Templates are read once per worker. Small batches (or ``workers=1``) run in this process.
    Workers are started with "spawn": a script calling this needs the usual ``if __name__ == "__main__"``.
    """
    if workers <= 1 or len(items) < 2 * _CHUNK[0]:
        return [render_docx(data, template_dir=template_dir) for data in items]
    size = max(_CHUNK[0], min(_CHUNK[1], math.ceil(len(items) / (workers * 4))))
    chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
    renderer = _renderer(template_dir)
    # "spawn": a fresh interpreter per worker, safe when the caller runs threads (Prefect does).
    context = multiprocessing.get_context("spawn")
    results: list[bytes] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            rendered = pool.map(_letter_parts, chunks, repeat(template_dir))
            for lang in {data.language for data in items}:
                renderer.skeleton(lang)  # built here while the workers start
            for chunk in rendered:
                results.extend(renderer.package(parts) for parts in chunk)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # one letter failed (or an interrupt): drop the chunks not started
            raise
    return results


def _letter_parts(chunk: list[NoticeData], template_dir: TemplateDir) -> list[_LetterParts]:
    renderer = _renderer(template_dir)
    return [renderer.letter_parts(data) for data in chunk]
