"""Applications: storing validated intake rows, tokens, and reading one application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, col, select

from grants import audit
from grants.calls import streams_by_code
from grants.db import in_chunks, lock, table
from grants.errors import NotFound
from grants.intake import IntakeRow, RowError
from grants.models import Application, ApplicationStatus, Call, Organization, utcnow
from grants.text import normalize_org_name
from grants.tokens import new_token, store_applicant_tokens


def format_reference(prefix: str, sequence: int) -> str:
    return f"{prefix}-{sequence:05d}"


@dataclass(frozen=True)
class IssuedToken:
    reference: str
    external_id: str
    contact_email: str
    language: str
    token: str


@dataclass
class StoredIntake:
    created: list[IssuedToken] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[RowError] = field(default_factory=list)


def store_intake(session: Session, *, call: Call, rows: Sequence[IntakeRow], actor: str) -> StoredIntake:
    """Store valid rows as submitted applications; rows already imported are left alone.

    A row whose external id was imported before with other content is refused (reported
    as a conflict), never applied: a submitted application does not change.
    """
    result = StoredIntake()
    if not rows:
        return result
    now = utcnow()
    # Serializes reference numbering between concurrent imports into one call.
    lock(session, Call, call.id or 0)
    known = _known_external_ids(session, call, [r.external_id for r in rows])
    fresh: list[IntakeRow] = []
    for row in rows:
        previous = known.get(row.external_id)
        if previous is None:
            fresh.append(row)
        elif previous[1] == row.source_hash():
            result.unchanged += 1
        else:
            result.conflicts.append(
                RowError(
                    row.row,
                    "external_id",
                    row.external_id,
                    f"already imported as {previous[0]} with other content; a submitted application is not changed",
                    f"déjà importée sous {previous[0]} avec un autre contenu; une demande soumise n'est pas modifiée",
                )
            )
    if not fresh:
        return result
    org_ids = _upsert_organizations(session, fresh, now)
    streams = streams_by_code(session, call)
    next_sequence = (
        session.exec(
            select(func.coalesce(func.max(Application.sequence), 0)).where(Application.call_id == call.id)
        ).one()
        + 1
    )
    records: list[dict[str, Any]] = []
    for offset, row in enumerate(fresh):
        token = new_token()
        sequence = next_sequence + offset
        reference = format_reference(call.reference_prefix, sequence)
        result.created.append(IssuedToken(reference, row.external_id, row.contact_email, row.language, token))
        records.append(
            {
                "reference": reference,
                "call_id": call.id,
                "stream_id": streams[row.stream].id,
                "organization_id": org_ids[row.registration_number],
                "sequence": sequence,
                "external_id": row.external_id,
                "status": ApplicationStatus.submitted.value,
                "language": row.language,
                "contact_name": row.contact_name,
                "contact_email": row.contact_email,
                "title": row.project_title,
                "summary": row.project_summary,
                "regions_served": list(row.regions_served),
                "populations_served": list(row.populations_served),
                "board_members": list(row.board_members),
                "key_staff": list(row.key_staff),
                "partner_organizations": list(row.partner_organizations),
                "requested_cents": row.requested_cents,
                "total_budget_cents": row.total_budget_cents,
                "start_date": row.start_date,
                "duration_months": row.duration_months,
                "submitted_at": row.submitted_at,
                "source_hash": row.source_hash(),
                "created_at": now,
                "updated_at": now,
            }
        )
    applications = table(Application)
    stmt = insert(applications).returning(applications.c.id, applications.c.reference)
    inserted = session.connection().execute(stmt, records).all()
    ids = {reference: app_id for app_id, reference in inserted}
    store_applicant_tokens(session, [(ids[t.reference], t.token) for t in result.created], actor=actor, now=now)
    audit.record(
        session,
        (
            audit.EventDraft(
                actor=actor,
                action="application.submitted",
                entity="application",
                entity_id=app_id,
                call_id=call.id,
                to_state=ApplicationStatus.submitted.value,
                data={"reference": reference},
            )
            for app_id, reference in inserted
        ),
        at=now,
    )
    return result


def _known_external_ids(session: Session, call: Call, external_ids: list[str]) -> dict[str, tuple[str, str]]:
    known: dict[str, tuple[str, str]] = {}
    for chunk in in_chunks(sorted(set(external_ids))):
        stmt = select(Application.external_id, Application.reference, Application.source_hash).where(
            Application.call_id == call.id, col(Application.external_id).in_(chunk)
        )
        for external_id, reference, source_hash in session.exec(stmt):
            known[external_id] = (reference, source_hash)
    return known


def _upsert_organizations(session: Session, rows: Sequence[IntakeRow], now: dt.datetime) -> dict[str, int]:
    """Create or refresh each organization (the latest row in the file wins); ids by number."""
    latest = {row.registration_number: row for row in rows}
    ids: dict[str, int] = {}
    numbers = sorted(latest)
    for chunk in in_chunks(numbers):
        stmt = select(Organization.registration_number, Organization.id).where(
            col(Organization.registration_number).in_(chunk)
        )
        ids.update({number: org_id for number, org_id in session.exec(stmt) if org_id is not None})

    def values(row: IntakeRow) -> dict[str, Any]:
        return {
            "legal_name": row.organization_name,
            "normalized_name": normalize_org_name(row.organization_name),
            "org_type": row.organization_type,
            "region": row.organization_region,
            "province": row.province,
            "contact_email": row.contact_email,
            "indigenous_led": row.indigenous_led,
            "updated_at": now,
        }

    updates = [{"org_id": ids[n], **values(latest[n])} for n in numbers if n in ids]
    if updates:
        refresh = (
            update(Organization)
            .where(col(Organization.id) == bindparam("org_id"))
            .values({k: bindparam(k) for k in updates[0] if k != "org_id"})
        )
        session.connection().execute(refresh, updates)
    new = [{"registration_number": n, "created_at": now, **values(latest[n])} for n in numbers if n not in ids]
    if new:
        organizations = table(Organization)
        add = insert(organizations).returning(organizations.c.registration_number, organizations.c.id)
        inserted = session.connection().execute(add, new).all()
        ids.update({number: org_id for number, org_id in inserted})
    return ids


def get_application(session: Session, reference: str) -> Application:
    app = session.exec(select(Application).where(Application.reference == reference.strip().upper())).first()
    if app is None:
        raise NotFound(
            en=f"no application with reference {reference!r}",
            fr=f"aucune demande portant la référence {reference!r}",
            field="reference",
        )
    return app
