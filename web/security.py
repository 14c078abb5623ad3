"""Sessions in HTTP-only cookies and CSRF tokens on every form.

A signed-in browser holds ``csf_session`` (HttpOnly, Secure, SameSite=Lax): a random key
whose hash names a ``websession`` row. Each form carries that session's CSRF secret in a
hidden ``csrf_token`` field. Sign-in forms, before any session exists, carry the value of a
``csf_form`` cookie instead (double submit). A form without the right value is refused.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from starlette.datastructures import FormData, UploadFile

from grants.db import read_only
from grants.models import TokenRole
from grants.settings import get_settings
from grants.web_sessions import SignedIn, find_session

SESSION_COOKIE = "csf_session"
FORM_COOKIE = "csf_form"
FORM_LIMIT = 60 * 1024 * 1024  # an upload of the largest accepted file, with the form around it


class SignInNeeded(Exception):
    """No live session: the browser goes to the sign-in page of ``role``."""

    def __init__(self, role: TokenRole) -> None:
        super().__init__(role.value)
        self.role = role


class WrongSpace(Exception):
    """Signed in, but as someone this space is not for (403)."""


class CsrfRefused(Exception):
    """A form without this session's CSRF token (403)."""


class FormTooLarge(Exception):
    """A form larger than any file the pages accept (413)."""


def current_session(request: Request) -> SignedIn | None:
    key = request.cookies.get(SESSION_COOKIE, "")
    if not key:
        return None
    with read_only() as session:
        return find_session(session, key)


def signed_in_as(request: Request, role: TokenRole) -> SignedIn:
    """The live session of a ``role`` principal, or SignInNeeded / WrongSpace."""
    signed_in = current_session(request)
    if signed_in is None:
        raise SignInNeeded(role)
    if signed_in.principal.role is not role:
        raise WrongSpace(role.value)
    return signed_in


def set_session_cookie(response: Response, key: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=settings.web_session_hours * 3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(FORM_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="strict")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=get_settings().cookie_secure, httponly=True, samesite="lax")


def form_token(request: Request) -> str:
    """The anonymous form token for a sign-in page: the browser's ``csf_form`` cookie, or a new one."""
    existing = request.cookies.get(FORM_COOKIE, "")
    return existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(32)


def set_form_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        FORM_COOKIE, token, path="/", secure=get_settings().cookie_secure, httponly=True, samesite="strict"
    )


async def checked_form(request: Request, signed_in: SignedIn | None) -> FormData:
    """The posted form, once its ``csrf_token`` matches the session's (or the sign-in cookie's)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > FORM_LIMIT:
        raise FormTooLarge(length)
    form = await request.form()
    expected = signed_in.csrf if signed_in is not None else request.cookies.get(FORM_COOKIE, "")
    given = form.get("csrf_token")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused("csrf")
    return form


def field(form: FormData, name: str, limit: int = 10_000) -> str:
    """A text field of a form, trimmed and cut at ``limit`` characters ("" when absent or a file)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None
