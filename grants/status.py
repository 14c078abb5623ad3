"""Where an application stands and why, told to the applicant in their language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants.calls import get_call
from grants.db import HotSelect
from grants.eligibility import RULE_NAMES
from grants.errors import Lang, NotFound
from grants.i18n import format_datetime
from grants.lifecycle import STATUS_NAMES
from grants.models import (
    AccessToken,
    Application,
    AuditEvent,
    Call,
    EligibilityResult,
    Organization,
    RuleOutcome,
    Stream,
    TokenRole,
    UTCDateTime,
    utcnow,
)
from grants.models import ApplicationStatus as S

# What each stage means for the applicant, and what happens next: (French, English).
EXPLANATIONS: dict[S, tuple[str, str]] = {
    S.draft: (
        "La demande n'a pas encore été soumise.",
        "The application has not been submitted yet.",
    ),
    S.submitted: (
        "Nous avons reçu votre demande. Le bureau du fonds vérifie son admissibilité.",
        "We have received your application. The fund office is checking its eligibility.",
    ),
    S.eligible: (
        "Votre demande satisfait aux critères d'admissibilité. Elle sera confiée à des évaluatrices "
        "et évaluateurs indépendants.",
        "Your application meets the eligibility requirements. It will be assigned to independent reviewers.",
    ),
    S.ineligible: (
        "Votre demande ne satisfait pas aux critères d'admissibilité pour la raison suivante.",
        "Your application does not meet the eligibility requirements, for the reason below.",
    ),
    S.in_review: (
        "Votre demande est en cours d'évaluation par des évaluatrices et évaluateurs indépendants.",
        "Your application is being reviewed by independent reviewers.",
    ),
    S.reviewed: (
        "L'évaluation de votre demande est terminée. Les décisions de financement seront communiquées "
        "après la ronde d'attribution.",
        "The review of your application is complete. Funding decisions will be announced after the award round.",
    ),
    S.funded: (
        "Votre projet a été retenu pour un financement. Une entente de financement vous sera proposée.",
        "Your project has been selected for funding. A funding agreement will be offered to you.",
    ),
    S.waitlisted: (
        "Votre projet est sur la liste d'attente. Il pourra être financé si des fonds se libèrent.",
        "Your project is on the waiting list. It may be funded if money becomes available.",
    ),
    S.declined: (
        "Votre projet n'a pas été retenu pour un financement dans le cadre de cet appel.",
        "Your project was not selected for funding in this call.",
    ),
    S.active: (
        "L'entente de financement est signée et le projet est en cours.",
        "The funding agreement is signed and the project is under way.",
    ),
    S.completed: (
        "Le projet est terminé et son rapport final a été accepté.",
        "The project is complete and its final report has been accepted.",
    ),
    S.terminated: (
        "L'entente de financement a pris fin avant la fin du projet.",
        "The funding agreement ended before the project was completed.",
    ),
}
_NEEDS_REVIEW = (
    "Le bureau du fonds doit examiner un point avant de se prononcer sur l'admissibilité.",
    "The fund office needs to look at one point before deciding on eligibility.",
)


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    stage: str
    note: str


@dataclass(frozen=True)
class StatusView:
    reference: str
    language: Lang
    call_title: str
    organization: str
    project_title: str
    stream: str
    stage: str
    explanation: str
    reasons: list[tuple[str, str]]  # (rule name, reason) that decide or hold up the stage
    history: list[HistoryEntry]
    status_code: str = ""  # the stage's code (submitted, eligible, ...)
    requested_cents: int = 0


_HEAD = (
    sa_select(
        col(Application.id),
        col(Application.reference),
        col(Application.language),
        col(Application.status),
        col(Application.title),
        col(Application.submitted_at),
        col(Application.requested_cents),
        col(Call.title_fr),
        col(Call.title_en),
        col(Call.timezone),
        col(Organization.legal_name),
        col(Stream.name_fr),
        col(Stream.name_en),
    )
    .join(Call, col(Call.id) == col(Application.call_id))
    .join(Organization, col(Organization.id) == col(Application.organization_id))
    .join(Stream, col(Stream.id) == col(Application.stream_id))
)
_HEAD_BY_ID = HotSelect(_HEAD.where(col(Application.id) == bindparam("app_id")))
_HEAD_BY_REFERENCE = HotSelect(_HEAD.where(col(Application.reference) == bindparam("reference")))
# The applicant's own application found from their token: the status route's token check and
# first read in one query; an expired or revoked token finds nothing.
_HEAD_BY_TOKEN = HotSelect(
    _HEAD.add_columns(col(AccessToken.expires_at))
    .join(AccessToken, col(AccessToken.application_id) == col(Application.id))
    .where(
        col(AccessToken.token_hash) == bindparam("token_hash"),
        col(AccessToken.role) == TokenRole.applicant.value,
        col(AccessToken.revoked_at).is_(None),
        col(AccessToken.expires_at) > bindparam("now", type_=UTCDateTime(timezone=True)),
    )
)
# In the order the rules were applied; sorted here, since an ORDER BY costs SQLite a sort per request.
_RESULTS = HotSelect(
    sa_select(
        col(EligibilityResult.id),
        col(EligibilityResult.rule),
        col(EligibilityResult.outcome),
        col(EligibilityResult.reason_fr),
        col(EligibilityResult.reason_en),
    ).where(col(EligibilityResult.application_id) == bindparam("app_id"))
)
_EVENTS = HotSelect(
    sa_select(col(AuditEvent.action), col(AuditEvent.at), col(AuditEvent.to_state))
    .where(col(AuditEvent.entity) == "application", col(AuditEvent.entity_id) == bindparam("app_id"))
    .order_by(col(AuditEvent.id))
)


def application_status(
    session: Session | Connection,
    *,
    reference: str | None = None,
    application_id: int | None = None,
    lang: Lang | None = None,
) -> StatusView:
    """The applicant's view of one application (in ``lang``, else the applicant's language).

    Found by ``reference`` or by ``application_id``; read column by column, since the
    status route is the API's busiest.
    """
    # Core rows, no ORM objects: a session's connection, or a bare one on the API's busiest route.
    connection = session.connection() if isinstance(session, Session) else session
    if application_id is not None:
        found = _HEAD_BY_ID.rows(connection, app_id=application_id)
    else:
        found = _HEAD_BY_REFERENCE.rows(connection, reference=(reference or "").strip().upper())
    if not found:
        raise NotFound(
            en=f"no application with reference {reference!r}",
            fr=f"aucune demande portant la référence {reference!r}",
            field="reference",
        )
    return _status(connection, found[0], lang)


class OwnStatus(NamedTuple):
    application_id: int
    status: StatusView
    token_expires_at: dt.datetime  # when the token that opened it stops opening it


def own_application_status(
    connection: Connection,
    *,
    token_hash: str,
    reference: str,
    lang: Lang | None = None,
    now: dt.datetime | None = None,
) -> OwnStatus | None:
    """The application an applicant token opens, and its status; None unless the token is a live applicant's.

    Any ``reference`` but the token's own is not found, as if it did not exist.
    """
    found = _HEAD_BY_TOKEN.rows(connection, token_hash=token_hash, now=now or utcnow())
    if not found:
        return None
    *head, token_expires_at = found[0]
    if reference.strip().upper() != head[1]:
        raise NotFound(
            en=f"no application with reference {reference!r}",
            fr=f"aucune demande portant la référence {reference!r}",
            field="reference",
        )
    return OwnStatus(int(head[0]), _status(connection, tuple(head), lang), token_expires_at)


def _status(connection: Connection, head: tuple[Any, ...], lang: Lang | None) -> StatusView:
    (
        app_id,
        app_reference,
        app_language,
        app_status,
        title,
        submitted_at,
        requested_cents,
        call_fr,
        call_en,
        timezone,
        org_name,
        stream_fr,
        stream_en,
    ) = head
    language: Lang = lang or ("fr" if app_language == "fr" else "en")
    pick = 0 if language == "fr" else 1
    status = S(app_status)
    # The eligibility results explain only the screening stages; later ones never show them.
    screened = status in (S.submitted, S.eligible, S.ineligible)
    results = [Reason(*r[1:]) for r in sorted(_RESULTS.rows(connection, app_id=app_id))] if screened else []
    override = next((r for r in results if r.rule == "override"), None)
    reasons: list[tuple[str, str]] = []
    explanation = EXPLANATIONS[status][pick]
    if override is not None and status in (S.eligible, S.ineligible):
        reasons.append((RULE_NAMES["override"][pick], override.reason_fr if pick == 0 else override.reason_en))
    elif status is S.ineligible:
        reasons = _reasons(results, RuleOutcome.failed, pick)
    elif status is S.submitted:
        reasons = _reasons(results, RuleOutcome.needs_review, pick)
        if reasons:
            explanation = _NEEDS_REVIEW[pick]
    events = _EVENTS.rows(connection, app_id=app_id)
    zone = ZoneInfo(timezone)
    history = [
        HistoryEntry(
            at=format_datetime(
                (submitted_at if action == "application.submitted" else at).replace(second=0, microsecond=0),
                language,
                zone,
            ),
            stage=STATUS_NAMES[S(to_state)][pick],
            note=_history_note(action, pick),
        )
        for action, at, to_state in events
        if to_state
    ]
    return StatusView(
        reference=app_reference,
        language=language,
        call_title=call_fr if pick == 0 else call_en,
        organization=org_name,
        project_title=title,
        stream=stream_fr if pick == 0 else stream_en,
        stage=STATUS_NAMES[status][pick],
        explanation=explanation,
        reasons=reasons,
        history=history,
        status_code=status.value,
        requested_cents=requested_cents,
    )


class Reason(NamedTuple):
    rule: str
    outcome: str
    reason_fr: str
    reason_en: str


def _reasons(results: Sequence[Reason], outcome: RuleOutcome, pick: int) -> list[tuple[str, str]]:
    return [
        (RULE_NAMES[r.rule][pick], r.reason_fr if pick == 0 else r.reason_en)
        for r in results
        if RuleOutcome(r.outcome) is outcome
    ]


_NOTES: dict[str, tuple[str, str]] = {
    "application.submitted": ("Demande reçue", "Application received"),
    "application.screened": ("Admissibilité vérifiée", "Eligibility checked"),
    "application.screening_override": ("Décision du bureau du fonds", "Fund office decision"),
}


def _history_note(action: str, pick: int) -> str:
    note = _NOTES.get(action)
    return note[pick] if note else ""


@dataclass(frozen=True)
class StageCount:
    stream: str
    status: S
    count: int


def call_overview(session: Session, *, call_code: str) -> list[StageCount]:
    """How many applications of the call sit at each stage, per stream."""
    call = get_call(session, call_code)
    rows = session.exec(
        select(Stream.code, Application.status, func.count())
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(Application.call_id == call.id)
        .group_by(Stream.code, Application.status)
    ).all()
    return [StageCount(stream, S(status), count) for stream, status, count in rows]


def pending_review_count(session: Session, *, call_code: str) -> int:
    """Submitted applications held for a manager's eligibility decision."""
    call = get_call(session, call_code)
    stmt = (
        select(func.count(func.distinct(EligibilityResult.application_id)))
        .join(Application, col(Application.id) == col(EligibilityResult.application_id))
        .where(
            Application.call_id == call.id,
            Application.status == S.submitted.value,
            EligibilityResult.outcome == RuleOutcome.needs_review.value,
        )
    )
    return int(session.exec(stmt).one())


def failures_by_rule(session: Session, *, call_code: str) -> list[tuple[str, int]]:
    """How many of the call's applications fail each eligibility rule, most frequent first."""
    call = get_call(session, call_code)
    rows = session.exec(
        select(EligibilityResult.rule, func.count())
        .join(Application, col(Application.id) == col(EligibilityResult.application_id))
        .where(Application.call_id == call.id, EligibilityResult.outcome == RuleOutcome.failed.value)
        .group_by(EligibilityResult.rule)
        .order_by(func.count().desc(), EligibilityResult.rule)
    ).all()
    return [(rule, int(count)) for rule, count in rows]


def first_ineligible_reference(session: Session, *, call_code: str) -> str | None:
    """The first ineligible application of the call, to show how a refusal is explained."""
    call = get_call(session, call_code)
    stmt = (
        select(Application.reference)
        .where(Application.call_id == call.id, Application.status == S.ineligible.value)
        .order_by(col(Application.sequence))
    )
    return session.exec(stmt).first()
