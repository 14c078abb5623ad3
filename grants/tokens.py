"""Token values and their hashes: the clear token is given once, only the hash is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import insert
from sqlmodel import Session

from grants.db import table
from grants.models import AccessToken, TokenRole
from grants.settings import get_settings


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def store_applicant_tokens(
    session: Session, issued: Sequence[tuple[int, str]], *, actor: str, now: dt.datetime
) -> None:
    """Keep the hashes of the tokens given at intake: (application id, clear token) pairs."""
    expires = now + dt.timedelta(days=get_settings().applicant_token_days)
    rows = [
        {
            "token_hash": hash_token(token),
            "role": TokenRole.applicant.value,
            "application_id": app_id,
            "expires_at": expires,
            "created_at": now,
            "created_by": actor,
        }
        for app_id, token in issued
    ]
    if rows:
        session.connection().execute(insert(table(AccessToken)), rows)
