"""Bearer tokens for the API: given once in clear, kept only as hashes, expiring, revocable.

Each token has one role and one subject: an applicant token its application, a
reviewer token one reviewer of one call, a manager token one fund manager. Issuing a
new token for a subject revokes the ones it had (a lost token is replaced, not added to).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import get_call
from grants.db import HotSelect
from grants.errors import DomainError, InvalidInput, NotFound
from grants.models import AccessToken, Application, Manager, Reviewer, TokenRole, utcnow
from grants.settings import get_settings
from grants.tokens import hash_token, new_token

NAME_LIMIT = 120
TOKEN_LIMIT = 256  # longer than any token issued: refused before hashing


class ManagerExists(DomainError):
    code = "manager_exists"


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for."""

    role: TokenRole
    token_id: int
    name: str  # the actor in the audit log: manager name, reviewer e-mail, application reference
    application_id: int | None = None
    reviewer_id: int | None = None
    manager_id: int | None = None
    call_id: int | None = None  # the call of a reviewer or of an application


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: dt.datetime
    subject: str


def _expiry(days: int, now: dt.datetime) -> dt.datetime:
    if days < 1:
        raise InvalidInput(
            en="a token must be valid for at least one day",
            fr="un jeton doit être valide au moins un jour",
            field="days",
        )
    return now + dt.timedelta(days=days)


def _subject_column(role: TokenRole) -> str:
    return {"applicant": "application_id", "reviewer": "reviewer_id", "manager": "manager_id"}[role.value]


def _issue(
    session: Session,
    *,
    role: TokenRole,
    subject_id: int,
    days: int | None,
    actor: str,
    call_id: int | None,
    subject: str,
) -> Issued:
    """A new token for one subject (its earlier ones revoked); ``days`` defaults to the role's setting."""
    now = utcnow()
    settings = get_settings()
    default = {"applicant": settings.applicant_token_days, "reviewer": settings.reviewer_token_days,
               "manager": settings.manager_token_days}[role.value]  # fmt: skip
    expires = _expiry(default if days is None else days, now)
    revoked = _revoke(session, role=role, subject_id=subject_id, now=now)
    token = new_token()
    record = AccessToken(
        token_hash=hash_token(token),
        role=role,
        expires_at=expires,
        created_at=now,
        created_by=actor,
    )
    setattr(record, _subject_column(role), subject_id)
    session.add(record)
    session.flush()
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action="token.issued",
                entity="accesstoken",
                entity_id=record.id,
                call_id=call_id,
                data={"role": role.value, "subject": subject, "expires_at": expires.isoformat(), "revoked": revoked},
            )
        ],
        at=now,
    )
    return Issued(token=token, expires_at=expires, subject=subject)


def _revoke(session: Session, *, role: TokenRole, subject_id: int, now: dt.datetime) -> int:
    column = getattr(AccessToken, _subject_column(role))
    result = session.execute(
        update(AccessToken)
        .where(col(AccessToken.role) == role.value, column == subject_id, col(AccessToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_LIMIT:
        raise InvalidInput(
            en=f"a manager's name must have 1 to {NAME_LIMIT} characters",
            fr=f"le nom d'un gestionnaire doit compter de 1 à {NAME_LIMIT} caractères",
            field="name",
        )
    return cleaned


def get_manager(session: Session, name: str) -> Manager:
    manager = session.exec(select(Manager).where(Manager.name == " ".join(name.split()))).first()
    if manager is None:
        raise NotFound(en=f"no manager named {name!r}", fr=f"aucun gestionnaire nommé {name!r}", field="name")
    return manager


def add_manager(session: Session, *, name: str, actor: str, days: int | None = None) -> Issued:
    """Create a fund manager and give them a token."""
    cleaned = _clean_name(name)
    if session.exec(select(Manager.id).where(Manager.name == cleaned)).first() is not None:
        raise ManagerExists(
            en=f"a manager named {cleaned!r} exists already; use `grants managers token` for a new token",
            fr=f"un gestionnaire nommé {cleaned!r} existe déjà; utilisez `grants managers token` pour un nouveau jeton",
            field="name",
        )
    manager = Manager(name=cleaned, created_by=actor)
    session.add(manager)
    session.flush()
    audit.record(
        session, [audit.EventDraft(actor=actor, action="manager.added", entity="manager", entity_id=manager.id)]
    )
    return manager_token(session, name=cleaned, actor=actor, days=days)


def manager_token(session: Session, *, name: str, actor: str, days: int | None = None) -> Issued:
    manager = get_manager(session, name)
    return _issue(
        session,
        role=TokenRole.manager,
        subject_id=manager.id or 0,
        days=days,
        actor=actor,
        call_id=None,
        subject=manager.name,
    )


def find_reviewer(session: Session, *, email: str, call_code: str | None) -> Reviewer:
    query = select(Reviewer).where(Reviewer.email == email.strip().lower())
    if call_code:
        query = query.where(Reviewer.call_id == get_call(session, call_code).id)
    found = session.exec(query).all()
    if not found:
        raise NotFound(
            en=f"no reviewer with e-mail {email!r}", fr=f"aucun évaluateur à l'adresse {email!r}", field="email"
        )
    if len(found) > 1:
        raise InvalidInput(
            en=f"{email} reviews in several calls; name the call with --call",
            fr=f"{email} évalue dans plusieurs appels; précisez l'appel avec --call",
            field="call",
        )
    return found[0]


def reviewer_token(
    session: Session, *, email: str, call_code: str | None, actor: str, days: int | None = None
) -> Issued:
    reviewer = find_reviewer(session, email=email, call_code=call_code)
    return _issue(
        session,
        role=TokenRole.reviewer,
        subject_id=reviewer.id or 0,
        days=days,
        actor=actor,
        call_id=reviewer.call_id,
        subject=reviewer.email,
    )


def applicant_token(session: Session, *, reference: str, actor: str, days: int | None = None) -> Issued:
    """A new access token for an application (the old one stops working)."""
    app = get_application(session, reference)
    return _issue(
        session,
        role=TokenRole.applicant,
        subject_id=app.id or 0,
        days=days,
        actor=actor,
        call_id=app.call_id,
        subject=app.reference,
    )


def revoke(session: Session, *, role: TokenRole, who: str, call_code: str | None, actor: str) -> int:
    """Revoke every live token of one subject; returns how many."""
    call_id: int | None = None
    if role is TokenRole.manager:
        subject_id = get_manager(session, who).id or 0
    elif role is TokenRole.reviewer:
        reviewer = find_reviewer(session, email=who, call_code=call_code)
        subject_id, call_id = reviewer.id or 0, reviewer.call_id
    else:
        app = get_application(session, who)
        subject_id, call_id = app.id or 0, app.call_id
    now = utcnow()
    count = _revoke(session, role=role, subject_id=subject_id, now=now)
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action="token.revoked",
                entity="accesstoken",
                call_id=call_id,
                data={"role": role.value, "subject": who, "revoked": count},
            )
        ],
        at=now,
    )
    return count


_TOKEN = HotSelect(
    sa_select(
        col(AccessToken.id),
        col(AccessToken.role),
        col(AccessToken.expires_at),
        col(AccessToken.revoked_at),
        col(AccessToken.application_id),
        col(AccessToken.reviewer_id),
        col(AccessToken.manager_id),
        col(Application.reference),
        col(Application.call_id),
        col(Reviewer.email),
        col(Reviewer.call_id).label("reviewer_call_id"),
        col(Manager.name),
    )
    .outerjoin(Application, col(Application.id) == col(AccessToken.application_id))
    .outerjoin(Reviewer, col(Reviewer.id) == col(AccessToken.reviewer_id))
    .outerjoin(Manager, col(Manager.id) == col(AccessToken.manager_id))
    .where(col(AccessToken.token_hash) == bindparam("token_hash"))
)


class TokenRow(NamedTuple):
    id: int
    role: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    application_id: int | None
    reviewer_id: int | None
    manager_id: int | None
    reference: str | None
    call_id: int | None
    email: str | None
    reviewer_call_id: int | None
    name: str | None


def authenticate(session: Session | Connection, token: str, *, now: dt.datetime | None = None) -> Principal | None:
    """The principal a clear token speaks for, or None (unknown, expired or revoked).

    One indexed read; takes a session or, on the API's busiest route, a bare connection.
    """
    if not token or len(token) > TOKEN_LIMIT:
        return None
    return authenticate_hash(session, hash_token(token), now=now)


def authenticate_hash(
    session: Session | Connection, token_hash: str, *, now: dt.datetime | None = None
) -> Principal | None:
    """As ``authenticate``, from the token's hash (a web session keeps only that)."""
    now = now or utcnow()
    connection = session.connection() if isinstance(session, Session) else session
    found = _TOKEN.rows(connection, token_hash=token_hash)
    if not found:
        return None
    row = TokenRow(*found[0])
    if row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.role == TokenRole.applicant and row.reference is not None:
        return Principal(
            TokenRole.applicant, row.id, row.reference, application_id=row.application_id, call_id=row.call_id
        )
    if row.role == TokenRole.reviewer and row.email is not None:
        return Principal(
            TokenRole.reviewer, row.id, row.email, reviewer_id=row.reviewer_id, call_id=row.reviewer_call_id
        )
    if row.role == TokenRole.manager and row.name is not None:
        return Principal(TokenRole.manager, row.id, row.name, manager_id=row.manager_id)
    return None
