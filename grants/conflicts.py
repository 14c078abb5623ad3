"""Conflicts of interest: declarations, detected ties, recusal of assigned reviewers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.db import in_chunks, table
from grants.models import Application, Assignment, Call, Conflict, Organization, Reviewer, utcnow
from grants.tabular import RowCheck, RowError, read_table, records, require_columns, write_error_report

COLUMNS = ("reviewer_email", "external_id", "reason")
DECLARED = "declared"
DETECTED = "detected"

# What each rule means, for managers: (French, English).
RULE_NAMES: dict[str, tuple[str, str]] = {
    "declared": ("déclaré", "declared"),
    "same_organization": ("même organisme", "same organization"),
    "same_email_domain": ("même domaine de courriel", "same e-mail domain"),
    "named_on_application": ("nommé dans la demande", "named in the application"),
    "partner_organization": ("organisme partenaire", "partner organization"),
}


@dataclass(frozen=True)
class ConflictRow:
    """One conflict to store: who, on which application, by which rule, and why."""

    reviewer_id: int
    application_id: int
    rule: str
    reason_en: str
    reason_fr: str


@dataclass(frozen=True)
class ValidatedDeclarations:
    rows: list[ConflictRow]
    errors: list[RowError]
    total_rows: int


@dataclass
class StoredConflicts:
    added: int = 0
    unchanged: int = 0
    recused: list[int] = field(default_factory=list)  # assignment ids the conflicts ended


def read_declarations(session: Session, *, call: Call, path: Path) -> ValidatedDeclarations:
    """Check a file of declared conflicts against the call's reviewers and applications.

    The application is named by its ``external_id`` or, in a ``reference`` column, by its
    reference (CSF-2026-00042).
    """
    frame = read_table(path)
    by_reference = "reference" in frame.columns and "external_id" not in frame.columns
    expected = ("reviewer_email", "reference", "reason") if by_reference else COLUMNS
    require_columns(frame, expected, source=path.name)
    key = "reference" if by_reference else "external_id"
    reviewers = {
        email: rid
        for rid, email in session.exec(select(Reviewer.id, Reviewer.email).where(Reviewer.call_id == call.id))
    }
    key_column = Application.reference if by_reference else Application.external_id
    applications = {
        k: aid for aid, k in session.exec(select(Application.id, key_column).where(Application.call_id == call.id))
    }
    rows: list[ConflictRow] = []
    errors: list[RowError] = []
    total = 0
    for line, cells in records(frame):
        total += 1
        check = RowCheck(line, cells, text_limits={"reason": 500})
        email = check.email("reviewer_email").lower()
        target = check.text(key, required=True)
        reason = check.text("reason", required=True)
        reviewer_id = reviewers.get(email)
        application_id = applications.get(target.upper() if by_reference else target)
        if email and reviewer_id is None:
            check.fail(
                "reviewer_email",
                "no reviewer of this call has this e-mail",
                "aucun évaluateur de cet appel n'a ce courriel",
            )
        if target and application_id is None:
            check.fail(
                key, "no application of this call has this id", "aucune demande de cet appel ne porte cet identifiant"
            )
        if check.errors or reviewer_id is None or application_id is None:
            errors.extend(check.errors)
            continue
        rows.append(ConflictRow(reviewer_id, application_id, DECLARED, reason, reason))
    return ValidatedDeclarations(rows=rows, errors=errors, total_rows=total)


def write_declaration_errors(path: Path, errors: Sequence[RowError]) -> Path:
    return write_error_report(path, errors, (*COLUMNS, "reference"))


def store_declared(session: Session, *, call: Call, rows: Sequence[ConflictRow], actor: str) -> StoredConflicts:
    """Store declared conflicts (each once) and recuse the reviewers already assigned."""
    existing = _existing(session, call, DECLARED)
    fresh = list(
        {
            (r.reviewer_id, r.application_id): r for r in rows if (r.reviewer_id, r.application_id) not in existing
        }.values()
    )
    result = StoredConflicts(added=len(fresh), unchanged=len(rows) - len(fresh))
    _insert(session, fresh, source=DECLARED)
    audit.record(session, [_event(actor, "conflict.declared", call, r) for r in fresh])
    result.recused = recuse_conflicted(session, call=call, actor=actor)
    return result


def replace_detected(session: Session, *, call: Call, rows: Sequence[ConflictRow], actor: str) -> StoredConflicts:
    """Make the stored detected conflicts of the call exactly ``rows``; recuse where needed."""
    old = {(c.reviewer_id, c.application_id, c.rule): c for c in _conflicts(session, call, DETECTED)}
    new = {(r.reviewer_id, r.application_id, r.rule): r for r in rows}
    gone = [c.id for key, c in old.items() if key not in new]
    added = [r for key, r in new.items() if key not in old]
    for chunk in in_chunks(gone):
        session.execute(delete(Conflict).where(col(Conflict.id).in_(chunk)))
    _insert(session, added, source=DETECTED)
    audit.record(session, [_event(actor, "conflict.detected", call, r) for r in added])
    result = StoredConflicts(added=len(added), unchanged=len(new) - len(added))
    result.recused = recuse_conflicted(session, call=call, actor=actor)
    return result


def recuse_conflicted(session: Session, *, call: Call, actor: str) -> list[int]:
    """End every active assignment of the call that a conflict now forbids (audited).

    A recused reviewer's review, if any, no longer counts; the assignment stage fills the gap.
    """
    same_pair = (col(Conflict.reviewer_id) == col(Assignment.reviewer_id)) & (
        col(Conflict.application_id) == col(Assignment.application_id)
    )
    stmt = (
        select(Assignment)
        .join(Conflict, same_pair)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .where(Application.call_id == call.id, Assignment.status == "active")
        .distinct()
    )
    ended: list[int] = []
    events: list[audit.EventDraft] = []
    for assignment in session.exec(stmt).all():
        assignment.status = "recused"
        session.add(assignment)
        ended.append(assignment.id or 0)
        events.append(
            audit.EventDraft(
                actor=actor,
                action="assignment.recused",
                entity="assignment",
                entity_id=assignment.id,
                call_id=call.id,
                from_state="active",
                to_state="recused",
                data={"application_id": assignment.application_id, "reviewer_id": assignment.reviewer_id},
            )
        )
    session.flush()
    audit.record(session, events)
    return ended


@dataclass(frozen=True)
class ConflictView:
    reviewer: str
    reviewer_email: str
    reference: str
    organization: str
    source: str
    rule: str
    reason_en: str
    reason_fr: str


def list_conflicts(session: Session, *, call: Call) -> list[ConflictView]:
    """Every conflict of the call, by reviewer then application."""
    columns = [
        col(Conflict.source),
        col(Conflict.rule),
        col(Conflict.reason_en),
        col(Conflict.reason_fr),
        col(Reviewer.name),
        col(Reviewer.email),
        col(Application.reference),
        col(Organization.legal_name),
    ]
    stmt = (
        sa_select(*columns)
        .join(Reviewer, col(Reviewer.id) == col(Conflict.reviewer_id))
        .join(Application, col(Application.id) == col(Conflict.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .where(col(Application.call_id) == call.id)
        .order_by(col(Reviewer.name), col(Application.reference), col(Conflict.rule))
    )
    return [
        ConflictView(name, email, reference, org, source, rule, reason_en, reason_fr)
        for source, rule, reason_en, reason_fr, name, email, reference, org in session.execute(stmt)
    ]


def _conflicts(session: Session, call: Call, source: str) -> list[Conflict]:
    stmt = (
        select(Conflict)
        .join(Application, col(Application.id) == col(Conflict.application_id))
        .where(Application.call_id == call.id, Conflict.source == source)
    )
    return list(session.exec(stmt).all())


def _existing(session: Session, call: Call, source: str) -> set[tuple[int, int]]:
    return {(c.reviewer_id, c.application_id) for c in _conflicts(session, call, source)}


def _insert(session: Session, rows: Iterable[ConflictRow], *, source: str) -> None:
    now = utcnow()
    values = [
        {
            "reviewer_id": r.reviewer_id,
            "application_id": r.application_id,
            "source": source,
            "rule": r.rule,
            "reason_en": r.reason_en,
            "reason_fr": r.reason_fr,
            "created_at": now,
        }
        for r in rows
    ]
    if values:
        session.connection().execute(insert(table(Conflict)), values)


def _event(actor: str, action: str, call: Call, row: ConflictRow) -> audit.EventDraft:
    return audit.EventDraft(
        actor=actor,
        action=action,
        entity="conflict",
        call_id=call.id,
        reason=row.reason_en,
        data={"reviewer_id": row.reviewer_id, "application_id": row.application_id, "rule": row.rule},
    )


@dataclass(frozen=True)
class ScanReviewer:
    reviewer_id: int
    name: str
    email: str
    affiliation: str


@dataclass(frozen=True)
class ScanApplication:
    application_id: int
    organization_name: str
    contact_email: str
    board_members: list[str]
    key_staff: list[str]
    partner_organizations: list[str]


def scan_inputs(session: Session, *, call: Call) -> tuple[list[ScanReviewer], list[ScanApplication]]:
    """The people and organizations conflict detection compares, for every application of the call."""
    reviewers = [
        ScanReviewer(r.id or 0, r.name, r.email, r.affiliation)
        for r in session.exec(select(Reviewer).where(Reviewer.call_id == call.id).order_by(col(Reviewer.id)))
    ]
    columns = [
        col(Application.id),
        col(Organization.legal_name),
        col(Application.contact_email),
        col(Application.board_members),
        col(Application.key_staff),
        col(Application.partner_organizations),
    ]
    rows = session.execute(
        sa_select(*columns)
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .where(col(Application.call_id) == call.id)
        .order_by(col(Application.id))
    ).all()
    applications = [
        ScanApplication(app_id, name, email, list(board), list(staff), list(partners))
        for app_id, name, email, board, staff, partners in rows
    ]
    return reviewers, applications
