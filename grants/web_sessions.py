"""Web sign-ins: a browser session stands for the token it signed in with, and no longer.

The cookie holds a random key; only its SHA-256 is stored, beside the token it signed in
with and a CSRF secret for the session's forms. A revoked or expired token ends every
session opened with it; a session also ends after ``web_session_hours`` or at sign-out.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from grants import audit
from grants.access import Principal, authenticate_hash
from grants.errors import Lang
from grants.models import AccessToken, WebSession, utcnow
from grants.settings import get_settings
from grants.tokens import hash_token


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    csrf: str
    lang: Lang | None  # the language the person picked, if any
    key_hash: str


def open_session(session: Session, principal: Principal, *, lang: Lang | None = None) -> tuple[str, SignedIn]:
    """A new session for ``principal``: the cookie's clear key, and the session."""
    now = utcnow()
    key = secrets.token_urlsafe(32)
    row = WebSession(
        key_hash=hash_token(key),
        token_id=principal.token_id,
        csrf=secrets.token_urlsafe(32),
        lang=lang or "",
        created_at=now,
        expires_at=now + dt.timedelta(hours=get_settings().web_session_hours),
    )
    session.add(row)
    # Expired sessions are swept at each sign-in, so the table holds only live ones.
    session.execute(delete(WebSession).where(col(WebSession.expires_at) <= now))
    session.flush()
    audit.record(
        session,
        [audit.EventDraft(actor=_actor(principal), action="web.signed_in", entity="websession", entity_id=row.id)],
        at=now,
    )
    return key, SignedIn(principal, row.csrf, lang, row.key_hash)


def find_session(session: Session, key: str, *, now: dt.datetime | None = None) -> SignedIn | None:
    """The live session behind a cookie's key, or None (unknown, expired, or its token no longer valid)."""
    if not key or len(key) > 256:
        return None
    now = now or utcnow()
    found = session.exec(
        select(WebSession, AccessToken.token_hash)
        .join(AccessToken, col(AccessToken.id) == col(WebSession.token_id))
        .where(WebSession.key_hash == hash_token(key))
    ).first()
    if found is None:
        return None
    row, token_hash = found
    if row.expires_at <= now:
        return None
    principal = authenticate_hash(session, token_hash, now=now)
    if principal is None:
        return None
    lang: Lang | None = "fr" if row.lang == "fr" else ("en" if row.lang == "en" else None)
    return SignedIn(principal, row.csrf, lang, row.key_hash)


def remember_lang(session: Session, signed_in: SignedIn, lang: Lang) -> None:
    """Keep the language the person picked for the rest of the session."""
    session.execute(update(WebSession).where(col(WebSession.key_hash) == signed_in.key_hash).values(lang=lang))


def close_session(session: Session, signed_in: SignedIn) -> None:
    """Sign out: the cookie's key no longer opens anything."""
    session.execute(delete(WebSession).where(col(WebSession.key_hash) == signed_in.key_hash))
    audit.record(
        session, [audit.EventDraft(actor=_actor(signed_in.principal), action="web.signed_out", entity="websession")]
    )


def _actor(principal: Principal) -> str:
    return principal.name if principal.role.value == "manager" else f"{principal.role.value}:{principal.name}"
