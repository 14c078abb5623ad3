"""Rendering: Jinja2 templates with autoescaping, the page's language, and safe headers.

Every page is rendered through ``render``: output is escaped (an organization called
``<script>`` shows as text), the language is French or English, and the headers forbid
scripts, framing and caching of personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.routes.common import chosen_lang
from grants.db import unit_of_work
from grants.errors import Lang
from grants.web_sessions import SignedIn, remember_lang
from web.texts import APPLICANT, COMMON
from web.texts_manager import MANAGER
from web.texts_reviewer import REVIEWER

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
TEXT: dict[str, tuple[str, str]] = {**COMMON, **APPLICANT, **REVIEWER, **MANAGER}

# No script may run on these pages; styles and images come from this site only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def text(lang: Lang, key: str) -> str:
    """The page text ``key`` in ``lang``; an unknown key is a KeyError, never a blank."""
    return TEXT[key][0 if lang == "fr" else 1]


def translator(lang: Lang) -> Callable[[str], str]:
    return lambda key: text(lang, key)


def pick_lang(request: Request, signed_in: SignedIn | None = None, default: Lang | None = None) -> Lang:
    """?lang= first, then the session's choice, then ``default``, then the browser's languages, then English."""
    asked = request.query_params.get("lang")
    if asked in ("fr", "en"):
        return "fr" if asked == "fr" else "en"
    if signed_in is not None and signed_in.lang is not None:
        return signed_in.lang
    return default or chosen_lang(request, None)


def asked_lang(request: Request, signed_in: SignedIn) -> Lang | None:
    """The language ``?lang=`` picks, kept for the rest of the session; else the session's earlier choice."""
    asked = request.query_params.get("lang")
    if asked not in ("fr", "en"):
        return signed_in.lang
    lang: Lang = "fr" if asked == "fr" else "en"
    if lang != signed_in.lang:
        with unit_of_work() as session:
            remember_lang(session, signed_in, lang)
    return lang


def session_lang(request: Request, signed_in: SignedIn) -> Lang:
    """``?lang=`` (kept for the session), else the session's choice, else the browser's languages."""
    return asked_lang(request, signed_in) or pick_lang(request, signed_in)


def render(
    request: Request,
    template: str,
    *,
    lang: Lang,
    title_key: str,
    signed_in: SignedIn | None = None,
    status_code: int = 200,
    context: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """A page of the portal in ``lang``; ``title_key`` names its heading and title."""
    values = {
        "request": request,
        "lang": lang,
        "t": translator(lang),
        "title": text(lang, title_key),
        "signed_in": signed_in,
        "csrf": signed_in.csrf if signed_in is not None else "",
        "path": request.url.path,
        "errors": {},
        "notice": None,
        **(context or {}),
    }
    body = environment.get_template(template).render(values)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    """After a form: see the result with a GET (303), so a reload never sends the form again."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
