"""Pure rendering of bilingual notices (Jinja2 text, DOCX bytes).

Data in (``NoticeData``), bytes out (``render_docx``, ``render_batch``). The letters' wording lives
in editable templates under ``notices/templates`` (see the README there).
"""

from notices.data import KINDS, Kind, NoticeData, Office, ScheduleRow
from notices.document import build_document, render_batch, render_docx, render_text
from notices.markup import NoticeError
from notices.text import TEMPLATES

__all__ = [
    "KINDS",
    "TEMPLATES",
    "Kind",
    "NoticeData",
    "NoticeError",
    "Office",
    "ScheduleRow",
    "build_document",
    "render_batch",
    "render_docx",
    "render_text",
]
