"""The reviewer pool of a call: file validation and idempotent import (keyed on e-mail)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session, select

from grants import audit
from grants.callspec import CallSpec
from grants.db import table
from grants.models import Call, Reviewer, utcnow
from grants.tabular import RowCheck, RowError, read_table, records, require_columns, write_error_report
from grants.text import normalize_org_name

COLUMNS = ("name", "email", "affiliation", "expertise", "languages", "indigenous_expertise", "max_load", "regions")
LANGUAGES = frozenset({"fr", "en"})
MAX_LOAD_LIMIT = 200

# Areas of expertise a reviewer may declare: (French, English).
EXPERTISE: dict[str, tuple[str, str]] = {
    "survivor_services": ("services aux personnes survivantes", "services for survivors"),
    "youth": ("jeunes", "youth"),
    "housing": ("logement et hébergement", "housing and shelter"),
    "legal": ("droit et justice", "legal and justice"),
    "health": ("santé et santé mentale", "health and mental health"),
    "indigenous_healing": ("guérison et approches autochtones", "Indigenous healing and approaches"),
    "labour_trafficking": ("traite à des fins de travail forcé", "labour trafficking"),
    "training": ("formation des intervenants", "front-line training"),
    "evaluation": ("évaluation et recherche", "evaluation and research"),
    "awareness": ("sensibilisation et prévention", "awareness and prevention"),
}


@dataclass(frozen=True)
class ReviewerRow:
    row: int
    name: str
    email: str
    affiliation: str
    expertise: tuple[str, ...]
    languages: tuple[str, ...]
    indigenous_expertise: bool
    max_load: int
    regions: tuple[str, ...]


@dataclass(frozen=True)
class ValidatedReviewers:
    rows: list[ReviewerRow]
    errors: list[RowError]
    total_rows: int


@dataclass
class StoredReviewers:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_reviewer_file(path: Path, spec: CallSpec) -> ValidatedReviewers:
    """Read and check a reviewer file (CSV or XLSX); raises if it cannot be read or lacks a column."""
    frame = read_table(path)
    require_columns(frame, COLUMNS, source=path.name)
    return validate_reviewers(frame, spec)


def validate_reviewers(frame: pd.DataFrame, spec: CallSpec) -> ValidatedReviewers:
    """Check every row; a bad row is reported with its number and never stops the others."""
    rows: list[ReviewerRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    total = 0
    for line, cells in records(frame):
        total += 1
        check = RowCheck(line, cells, text_limits={"name": 120, "affiliation": 200})
        name = check.text("name", required=True)
        email = check.email("email").lower()
        affiliation = check.text("affiliation", required=False)
        expertise = check.codes("expertise", frozenset(EXPERTISE), required=False, noun=("expertise", "expertise"))
        languages = check.codes("languages", LANGUAGES, required=True, noun=("language", "langue"))
        indigenous = check.yes_no("indigenous_expertise")
        max_load = check.integer("max_load", 1, MAX_LOAD_LIMIT)
        regions = check.codes("regions", spec.region_codes, required=False, noun=("region", "région"))
        if email and email in seen:
            check.fail(
                "email",
                f"duplicate of row {seen[email]} (same e-mail)",
                f"doublon de la ligne {seen[email]} (même courriel)",
            )
        elif email:
            seen[email] = line
        if check.errors:
            errors.extend(check.errors)
            continue
        rows.append(ReviewerRow(line, name, email, affiliation, expertise, languages, indigenous, max_load, regions))
    return ValidatedReviewers(rows=rows, errors=errors, total_rows=total)


def write_reviewer_errors(path: Path, errors: Sequence[RowError]) -> Path:
    return write_error_report(path, errors, COLUMNS)


def store_reviewers(session: Session, *, call: Call, rows: Sequence[ReviewerRow], actor: str) -> StoredReviewers:
    """Add new reviewers and refresh known ones (same e-mail); importing twice changes nothing."""
    result = StoredReviewers()
    now = utcnow()
    known = {r.email: r for r in session.exec(select(Reviewer).where(Reviewer.call_id == call.id))}
    new: list[dict[str, Any]] = []
    events: list[audit.EventDraft] = []
    for row in rows:
        values = _values(row)
        existing = known.get(row.email)
        if existing is None:
            new.append({"call_id": call.id, "email": row.email, "created_at": now, **values})
            continue
        if all(getattr(existing, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        for key, value in values.items():
            setattr(existing, key, value)
        session.add(existing)
        result.updated += 1
        events.append(_event(actor, "reviewer.updated", existing.id, call.id, row.email))
    if new:
        reviewers = table(Reviewer)
        added = session.connection().execute(insert(reviewers).returning(reviewers.c.id, reviewers.c.email), new).all()
        result.created = len(added)
        events.extend(_event(actor, "reviewer.added", rid, call.id, email) for rid, email in added)
    session.flush()
    audit.record(session, events, at=now)
    return result


def _values(row: ReviewerRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "affiliation": row.affiliation,
        "normalized_affiliation": normalize_org_name(row.affiliation),
        "expertise": list(row.expertise),
        "languages": list(row.languages),
        "regions": list(row.regions),
        "indigenous_expertise": row.indigenous_expertise,
        "max_load": row.max_load,
    }


def _event(actor: str, action: str, reviewer_id: int | None, call_id: int | None, email: str) -> audit.EventDraft:
    return audit.EventDraft(
        actor=actor, action=action, entity="reviewer", entity_id=reviewer_id, call_id=call_id, data={"email": email}
    )
