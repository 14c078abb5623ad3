"""Jinja2 templates of the letters, one file per kind and language, rendered to markup text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)

from grants.errors import Lang
from grants.i18n import NBSP, format_date, format_money
from notices.data import Kind, NoticeData
from notices.markup import NoticeError

TEMPLATES = Path(__file__).parent / "templates"
_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_NOT_XML = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\ufffe\uffff]")  # characters an XML document cannot hold
# French spacing (Canadian usage): a no-break space before ":" and inside « », typed as plain spaces.
_FR_SPACES = ((re.compile(r" +:"), NBSP + ":"), (re.compile(r"« +"), "«" + NBSP), (re.compile(r" +»"), NBSP + "»"))


def template_name(kind: Kind, lang: Lang) -> str:
    return f"{kind}.{lang}.txt"


class Templates:
    """The letters' templates, read once: from ``folder`` first when given, else from the package's own.

    An office can copy ``notices/templates`` (or only the files it changes) to a folder of its own and
    pass that folder; a file missing there is taken from the package.
    """

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        search = [str(self.folder)] if self.folder is not None else []
        search.append(str(TEMPLATES))
        self._environments = {lang: _environment(lang, search) for lang in ("fr", "en")}
        self._templates: dict[tuple[Kind, Lang], Template] = {}

    def template(self, kind: Kind, lang: Lang) -> Template:
        key = (kind, lang)
        if key not in self._templates:
            name = template_name(kind, lang)
            try:
                self._templates[key] = self._environments[lang].get_template(name)
            except TemplateNotFound as exc:
                raise NoticeError(f"no template {exc.name!r} for the {kind} notice in {lang}") from exc
            except TemplateSyntaxError as exc:
                raise NoticeError(f"template {exc.name or name}, line {exc.lineno}: {exc.message}") from exc
        return self._templates[key]

    def render(self, data: NoticeData) -> str:
        """The letter as markup text (see ``notices.markup``), in the applicant's language."""
        template = self.template(data.kind, data.language)
        try:
            text = template.render(context(data))
        except UndefinedError as exc:
            raise NoticeError(
                f"{data.kind} notice ({data.language}) for {data.reference}: {exc.message}; "
                "the template needs a value that this notice does not have"
            ) from exc
        except (TemplateError, NoticeError) as exc:
            raise NoticeError(f"{data.kind} notice ({data.language}) for {data.reference}: {exc}") from exc
        if data.language == "fr":
            for pattern, spaced in _FR_SPACES:
                text = pattern.sub(spaced, text)
        return text


def context(data: NoticeData) -> dict[str, Any]:
    """The names a template sees. A value that is ``None`` or empty is left out, so using it is an error."""
    fr = data.language == "fr"
    office = data.office
    values: dict[str, Any] = {
        "kind": data.kind,
        "lang": data.language,
        "reference": data.reference,
        "call_title": data.call_title_fr if fr else data.call_title_en,
        "stream_name": data.stream_name_fr if fr else data.stream_name_en,
        "organization": data.organization,
        "contact_name": data.contact_name,
        "project_title": data.project_title,
        "issue_date": data.issue_date,
        "office_name": office.name_fr if fr else office.name_en,
        "letterhead": office.letterhead_fr if fr else office.letterhead_en,
        "city": office.city,
        "contact_email": office.contact_email,
        "status_url": office.status_url,
        "amount_cents": data.amount_cents,
        "requested_cents": data.requested_cents,
        "conditions": data.conditions,
        "schedule": data.schedule,
        "reply_by": data.reply_by,
        "waitlist_position": data.waitlist_position,
        "reasons": data.reasons,
        "decline_basis": data.decline_basis,
        "feedback": data.feedback,
        "access_token": data.access_token,
        "milestone": data.milestone,
    }
    return {name: value for name, value in values.items() if value is not None and value != ()}


def _environment(lang: Lang, search: list[str]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(search),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # plain text for a Word document, not HTML
        auto_reload=False,
    )

    def money(cents: int) -> str:
        _expect(cents, int, "an amount in cents")
        return format_money(cents, lang)

    def date(day: dt.date) -> str:
        _expect(day, dt.date, "a date")
        return format_date(day, lang)

    def quote(text: str) -> str:
        return f"« {text} »" if lang == "fr" else f"“{text}”"

    env.filters.update(money=money, date=date, quote=quote)
    return env


def _expect(value: object, kind: type, what: str) -> None:
    if not isinstance(value, kind) or isinstance(value, bool):
        str(value)  # an undefined value raises here, naming what is missing
        raise NoticeError(f"expected {what}, got {value!r}")


def _finalize(value: object) -> object:
    # A value never breaks the letter's lines (it could start a heading or a list item), and a stray
    # control character in an imported name must not make the document unreadable.
    if value is None:
        raise NoticeError("a value the template prints is missing (None)")
    if isinstance(value, str):
        return _LINE_BREAKS.sub(" ", _NOT_XML.sub("", value))
    return value
