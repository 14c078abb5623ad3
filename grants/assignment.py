"""Reviewer assignment, database side: what the solver needs, and storing its answer.

The optimization itself is pure and lives in ``scoring.assignment``; the flow in
``workflows.assignment`` joins the two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.calls import get_call
from grants.db import in_chunks, table
from grants.errors import DomainError
from grants.lifecycle import check_transition
from grants.models import Application, ApplicationStatus, Assignment, Conflict, Reviewer, Stream, utcnow
from grants.tabular import neutralize_formula, write_csv_atomically

ACTIVE = "active"


@dataclass(frozen=True)
class ApplicationNeed:
    """An application still short of reviewers."""

    application_id: int
    reference: str
    language: str
    stream: str
    title: str
    summary: str
    regions_served: list[str]
    populations_served: list[str]
    needed: int  # reviewers still to assign
    wants_indigenous: bool  # iif, and no reviewer with Indigenous expertise assigned yet


@dataclass(frozen=True)
class PoolReviewer:
    reviewer_id: int
    name: str
    languages: list[str]
    expertise: list[str]
    regions: list[str]
    indigenous_expertise: bool
    places_left: int  # max_load minus active assignments


@dataclass(frozen=True)
class AssignmentInputs:
    call_id: int
    k: int
    applications: list[ApplicationNeed]
    reviewers: list[PoolReviewer]
    excluded: set[tuple[int, int]]  # (application_id, reviewer_id): conflicted or already assigned once


class AssignmentRefused(DomainError):
    code = "assignment_infeasible"


def assignment_inputs(session: Session, *, call_code: str) -> AssignmentInputs:
    """Eligible applications, and those in review that lost a reviewer, with the pool's free places."""
    call = get_call(session, call_code)
    k = call.reviewers_per_application
    assignments = session.exec(
        select(Assignment.application_id, Assignment.reviewer_id, Assignment.status)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .where(Application.call_id == call.id)
    ).all()
    active = Counter(app_id for app_id, _, status in assignments if status == ACTIVE)
    load = Counter(rid for _, rid, status in assignments if status == ACTIVE)
    reviewers = session.exec(select(Reviewer).where(Reviewer.call_id == call.id).order_by(col(Reviewer.id))).all()
    indigenous_reviewers = {r.id for r in reviewers if r.indigenous_expertise}
    has_indigenous = {app_id for app_id, rid, status in assignments if status == ACTIVE and rid in indigenous_reviewers}
    columns = [
        col(Application.id),
        col(Application.reference),
        col(Application.language),
        col(Application.title),
        col(Application.summary),
        col(Application.regions_served),
        col(Application.populations_served),
        col(Stream.code),
        col(Stream.indigenous_led_required),
    ]
    rows = session.execute(
        sa_select(*columns)
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(
            col(Application.call_id) == call.id,
            col(Application.status).in_([ApplicationStatus.eligible.value, ApplicationStatus.in_review.value]),
        )
        .order_by(col(Application.sequence))
    ).all()
    needs = [
        ApplicationNeed(
            application_id=app_id,
            reference=reference,
            language=language,
            stream=stream,
            title=title,
            summary=summary,
            regions_served=list(regions),
            populations_served=list(populations),
            needed=k - active[app_id],
            wants_indigenous=bool(indigenous_stream) and app_id not in has_indigenous,
        )
        for app_id, reference, language, title, summary, regions, populations, stream, indigenous_stream in rows
        if active[app_id] < k
    ]
    conflicts = session.exec(
        select(Conflict.application_id, Conflict.reviewer_id)
        .join(Application, col(Application.id) == col(Conflict.application_id))
        .where(Application.call_id == call.id)
    ).all()
    excluded = {(a, r) for a, r in conflicts} | {(a, r) for a, r, _ in assignments}
    pool = [
        PoolReviewer(
            reviewer_id=r.id or 0,
            name=r.name,
            languages=list(r.languages),
            expertise=list(r.expertise),
            regions=list(r.regions),
            indigenous_expertise=r.indigenous_expertise,
            places_left=max(r.max_load - load[r.id or 0], 0),
        )
        for r in reviewers
    ]
    return AssignmentInputs(call_id=call.id or 0, k=k, applications=needs, reviewers=pool, excluded=excluded)


@dataclass(frozen=True)
class StoredAssignment:
    assigned: int
    applications: int
    moved_to_review: int


def store_assignment(
    session: Session, *, call_code: str, pairs: Sequence[tuple[int, int, float]], actor: str
) -> StoredAssignment:
    """Record new (application, reviewer, affinity) pairs; eligible applications enter review."""
    call = get_call(session, call_code)
    now = utcnow()
    values = [
        {"application_id": a, "reviewer_id": r, "affinity": float(f), "status": ACTIVE, "created_at": now}
        for a, r, f in pairs
    ]
    events: list[audit.EventDraft] = []
    if values:
        assignments = table(Assignment)
        added = (
            session.connection()
            .execute(
                insert(assignments).returning(
                    assignments.c.id, assignments.c.application_id, assignments.c.reviewer_id
                ),
                values,
            )
            .all()
        )
        events.extend(
            audit.EventDraft(
                actor=actor,
                action="assignment.created",
                entity="assignment",
                entity_id=aid,
                call_id=call.id,
                to_state=ACTIVE,
                data={"application_id": app_id, "reviewer_id": rid},
            )
            for aid, app_id, rid in added
        )
    app_ids = sorted({a for a, _, _ in pairs})
    ids: list[int] = []
    for chunk in in_chunks(app_ids):
        found = session.exec(
            select(Application.id).where(
                col(Application.id).in_(chunk), Application.status == ApplicationStatus.eligible.value
            )
        ).all()
        ids.extend(i for i in found if i is not None)
    if ids:
        check_transition(ApplicationStatus.eligible, ApplicationStatus.in_review)
        for chunk in in_chunks(ids):
            session.execute(
                update(Application)
                .where(col(Application.id).in_(chunk))
                .values(status=ApplicationStatus.in_review.value, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        events.extend(
            audit.EventDraft(
                actor=actor,
                action="application.assigned",
                entity="application",
                entity_id=app_id,
                call_id=call.id,
                from_state=ApplicationStatus.eligible.value,
                to_state=ApplicationStatus.in_review.value,
            )
            for app_id in ids
        )
    audit.record(session, events, at=now)
    return StoredAssignment(assigned=len(values), applications=len(app_ids), moved_to_review=len(ids))


def describe_shortfall(
    kind: str, *, applications: int, reviews_needed: int, places_left: int, group: str = ""
) -> DomainError:
    """Why no valid assignment exists, in a manager's words."""
    one = applications == 1
    if kind == "group_capacity" and group in ("fr", "en"):
        lang_en = {"fr": "French", "en": "English"}[group]
        lang_fr = {"fr": "en français", "en": "en anglais"}[group]
        reader_en = {"fr": "French-reading", "en": "English-reading"}[group]
        reader_fr = {"fr": "lisant le français", "en": "lisant l'anglais"}[group]
        return AssignmentRefused(
            en=f"{applications} {lang_en} application{'' if one else 's'} need{'s' if one else ''} "
            f"{reviews_needed} reviews; {reader_en} reviewers have {places_left} places left",
            fr=f"{applications} demande{'' if one else 's'} {lang_fr} exige{'' if one else 'nt'} "
            f"{reviews_needed} évaluations; il reste {places_left} places aux évaluateurs {reader_fr}",
        )
    if kind == "too_few_candidates":
        return AssignmentRefused(
            en=f"{applications} application{'' if one else 's'} cannot get {reviews_needed} reviewers: too few "
            "reviewers without a conflict, reading their language, have places left",
            fr=f"{applications} demande{'' if one else 's'} ne peu{'t' if one else 'vent'} recevoir "
            f"{reviews_needed} évaluateurs : trop peu d'évaluateurs sans conflit et lisant leur langue ont "
            "des places libres",
        )
    if kind == "total_capacity":
        return AssignmentRefused(
            en=f"{applications} application{'' if one else 's'} need{'s' if one else ''} {reviews_needed} "
            f"reviews; the reviewers have {places_left} places left",
            fr=f"{applications} demande{'' if one else 's'} exige{'' if one else 'nt'} {reviews_needed} "
            f"évaluations; il reste {places_left} places aux évaluateurs",
        )
    return AssignmentRefused(
        en="no assignment meets every rule (loads, conflicts, languages); add reviewers or raise their loads",
        fr="aucune répartition ne respecte toutes les règles (charges, conflits, langues); ajoutez des "
        "évaluateurs ou augmentez leurs charges",
    )


@dataclass(frozen=True)
class LoadRow:
    name: str
    email: str
    max_load: int
    assigned: int
    recused: int


@dataclass(frozen=True)
class CoverageRow:
    reference: str
    language: str
    stream: str
    reviewers: list[str]
    affinity: float


def load_table(session: Session, *, call_code: str) -> list[LoadRow]:
    """Per reviewer: maximum load, active and recused assignments."""
    call = get_call(session, call_code)
    counts: Counter[tuple[int, str]] = Counter(
        (rid, status)
        for rid, status in session.exec(
            select(Assignment.reviewer_id, Assignment.status)
            .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
            .where(Reviewer.call_id == call.id)
        )
    )
    reviewers = session.exec(select(Reviewer).where(Reviewer.call_id == call.id).order_by(Reviewer.name)).all()
    return [
        LoadRow(r.name, r.email, r.max_load, counts[(r.id or 0, ACTIVE)], counts[(r.id or 0, "recused")])
        for r in reviewers
    ]


def coverage_table(session: Session, *, call_code: str) -> list[CoverageRow]:
    """Per application in review or eligible: its active reviewers and their summed affinity."""
    call = get_call(session, call_code)
    columns = [
        col(Application.reference),
        col(Application.language),
        col(Stream.code),
        col(Reviewer.name),
        col(Assignment.affinity),
    ]
    rows = session.execute(
        sa_select(*columns)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
        .where(col(Application.call_id) == call.id, col(Assignment.status) == ACTIVE)
        .order_by(col(Application.reference), col(Reviewer.name))
    ).all()
    grouped: dict[str, dict[str, Any]] = {}
    for reference, language, stream, name, affinity in rows:
        entry = grouped.setdefault(reference, {"language": language, "stream": stream, "names": [], "sum": 0.0})
        entry["names"].append(name)
        entry["sum"] += affinity
    return [CoverageRow(ref, e["language"], e["stream"], e["names"], round(e["sum"], 6)) for ref, e in grouped.items()]


def export_assignments(session: Session, *, call_code: str, path: Path) -> Path:
    """CSV of every assignment of the call: application, reviewer, affinity, status."""
    call = get_call(session, call_code)
    columns = [
        col(Application.reference),
        col(Application.language),
        col(Stream.code),
        col(Reviewer.name),
        col(Reviewer.email),
        col(Assignment.affinity),
        col(Assignment.status),
    ]
    rows = session.execute(
        sa_select(*columns)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
        .where(col(Application.call_id) == call.id)
        .order_by(col(Application.reference), col(Reviewer.email))
    ).all()
    frame = pd.DataFrame(
        [tuple(neutralize_formula(v) if isinstance(v, str) else v for v in row) for row in rows],
        columns=["reference", "language", "stream", "reviewer", "reviewer_email", "affinity", "status"],
    )
    return write_csv_atomically(path, frame)
