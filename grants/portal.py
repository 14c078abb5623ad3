"""What the API shows each person: an applicant their own file, a reviewer their assignments.

Every function takes the principal's own id and reads only what that person may see:
decisions only from approved rounds, other reviewers' scores (never names) only once
the reviewer has submitted their own review, never an assignment a conflict forbids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants.applications import IssuedToken, store_intake
from grants.calls import call_spec, get_call
from grants.db import HotSelect
from grants.errors import DomainError, InvalidInput, Lang, NotFound
from grants.i18n import format_date, format_datetime, format_money
from grants.intake import validate_rows
from grants.models import (
    Application,
    Assignment,
    AwardRound,
    Call,
    Conflict,
    Decision,
    Milestone,
    MilestoneReport,
    Notice,
    Organization,
    Review,
    ReviewDraft,
    Reviewer,
    Stream,
    utcnow,
)
from grants.reviews import RECOMMENDATIONS, NotAssigned
from grants.status import StatusView, application_status, own_application_status

OUTCOMES: dict[str, tuple[str, str]] = {
    "funded": ("financé", "funded"),
    "waitlisted": ("en liste d'attente", "waitlisted"),
    "declined": ("non retenu", "declined"),
}
MILESTONE_KINDS: dict[str, tuple[str, str]] = {
    "signing": ("signature de l'entente", "signing of the agreement"),
    "interim": ("rapport d'étape", "interim report"),
    "final": ("rapport final", "final report"),
}
MILESTONE_STATES: dict[str, tuple[str, str]] = {
    "scheduled": ("prévu", "scheduled"),
    "due": ("à remettre", "due"),
    "overdue": ("en retard", "overdue"),
    "submitted": ("rapport reçu", "report received"),
    "accepted": ("accepté", "accepted"),
    "paid": ("versé", "paid"),
    "held": ("retenu", "held"),
}
NOTICE_KINDS: dict[str, tuple[str, str]] = {
    "receipt": ("accusé de réception", "acknowledgement of receipt"),
    "ineligible": ("avis d'inadmissibilité", "notice of ineligibility"),
    "funded": ("avis de financement", "funding notice"),
    "waitlisted": ("avis de liste d'attente", "waitlist notice"),
    "declined": ("avis de refus", "notice of decision"),
    "reminder": ("rappel de rapport", "report reminder"),
}


DECIDED = frozenset({"funded", "waitlisted", "declined", "active", "completed", "terminated"})


def _pick(names: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    pair = names.get(key)
    return key if pair is None else pair[0 if lang == "fr" else 1]


# --- applicants -------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInfo:
    outcome: str
    outcome_label: str
    amount_cents: int
    amount: str
    waitlist_position: int | None
    rationale: str


@dataclass(frozen=True)
class MilestoneInfo:
    sequence: int
    kind: str
    kind_label: str
    due_date: dt.date
    due: str
    amount_cents: int
    amount: str
    status: str
    status_label: str
    report_required: bool
    report_id: int | None  # the latest report for this milestone
    report_status: str | None


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    kind: str
    kind_label: str
    language: str
    created: str


@dataclass(frozen=True)
class ApplicantView:
    status_code: str
    status: StatusView
    requested_cents: int
    requested: str
    decision: DecisionInfo | None
    milestones: list[MilestoneInfo]
    notices: list[NoticeInfo]


_DECISION = HotSelect(
    sa_select(
        col(Decision.outcome),
        col(Decision.amount_cents),
        col(Decision.waitlist_position),
        col(Decision.rationale_fr),
        col(Decision.rationale_en),
    )
    .join(AwardRound, col(AwardRound.id) == col(Decision.round_id))
    .where(
        col(Decision.application_id) == bindparam("app_id"),
        col(AwardRound.status) == "approved",
        col(AwardRound.dry_run).is_(False),
    )
    .order_by(col(AwardRound.approved_at).desc(), col(Decision.id).desc())
    .limit(1)
)
_MILESTONES = HotSelect(
    sa_select(
        col(Milestone.id),
        col(Milestone.sequence),
        col(Milestone.kind),
        col(Milestone.due_date),
        col(Milestone.amount_cents),
        col(Milestone.status),
        col(Milestone.report_required),
    )
    .where(col(Milestone.application_id) == bindparam("app_id"))
    .order_by(col(Milestone.sequence))
)
_NOTICES = HotSelect(
    sa_select(col(Notice.id), col(Notice.kind), col(Notice.language), col(Notice.created_at))
    .where(col(Notice.application_id) == bindparam("app_id"))
    .order_by(col(Notice.id))
)


class MilestoneRow(NamedTuple):
    id: int
    sequence: int
    kind: str
    due_date: dt.date
    amount_cents: int
    status: str
    report_required: bool


class NoticeRow(NamedTuple):
    id: int
    kind: str
    language: str
    created_at: dt.datetime


def own_applicant_view(
    connection: Connection, *, token_hash: str, reference: str, lang: Lang | None = None
) -> tuple[ApplicantView, dt.datetime] | None:
    """The file an applicant token opens, and when the token expires; None for any other token.

    The token's check and the first read are one query. Any ``reference`` but the token's
    own application is not found.
    """
    found = own_application_status(connection, token_hash=token_hash, reference=reference, lang=lang)
    if found is None:
        return None
    view = applicant_view(connection, application_id=found.application_id, lang=lang, status=found.status)
    return view, found.token_expires_at


def applicant_view(
    session: Session | Connection, *, application_id: int, lang: Lang | None = None, status: StatusView | None = None
) -> ApplicantView:
    """The applicant's whole file: stage and history, decision, milestones, letters (``status`` if already read)."""
    connection = session.connection() if isinstance(session, Session) else session  # Core rows only
    status = status or application_status(connection, application_id=application_id, lang=lang)
    language = status.language
    pick = 0 if language == "fr" else 1
    app_status, requested = status.status_code, status.requested_cents
    decided = app_status in DECIDED  # before a round is approved there is no decision and no milestone
    rows = _DECISION.rows(connection, app_id=application_id) if decided else []
    decision = None
    if rows:
        outcome, amount_cents, position, rationale_fr, rationale_en = rows[0]
        decision = DecisionInfo(
            outcome=outcome,
            outcome_label=_pick(OUTCOMES, outcome, language),
            amount_cents=amount_cents,
            amount=format_money(amount_cents, language),
            waitlist_position=position,
            rationale=rationale_fr if pick == 0 else rationale_en,
        )
    milestones = [MilestoneRow(*m) for m in _MILESTONES.rows(connection, app_id=application_id)] if decided else []
    reports: dict[int, tuple[int, str]] = {}
    if milestones:
        for report_id, milestone_id, report_status in session.execute(
            select(MilestoneReport.id, MilestoneReport.milestone_id, MilestoneReport.status)
            .where(col(MilestoneReport.milestone_id).in_([m.id for m in milestones]))
            .order_by(col(MilestoneReport.id))
        ).all():
            reports[milestone_id] = (report_id or 0, report_status)
    notices = [NoticeRow(*n) for n in _NOTICES.rows(connection, app_id=application_id)]
    return ApplicantView(
        status_code=str(app_status),
        status=status,
        requested_cents=requested,
        requested=format_money(requested, language),
        decision=decision,
        milestones=[
            MilestoneInfo(
                sequence=m.sequence,
                kind=m.kind,
                kind_label=_pick(MILESTONE_KINDS, m.kind, language),
                due_date=m.due_date,
                due=format_date(m.due_date, language),
                amount_cents=m.amount_cents,
                amount=format_money(m.amount_cents, language),
                status=m.status,
                status_label=_pick(MILESTONE_STATES, m.status, language),
                report_required=m.report_required,
                report_id=reports[m.id][0] if m.id in reports else None,
                report_status=reports[m.id][1] if m.id in reports else None,
            )
            for m in milestones
        ],
        notices=[
            NoticeInfo(
                id=n.id,
                kind=n.kind,
                kind_label=_pick(NOTICE_KINDS, n.kind, language),
                language=str(n.language),
                created=format_datetime(n.created_at, language),
            )
            for n in notices
        ],
    )


def notice_file(session: Session, *, application_id: int, notice_id: int) -> tuple[Path, str]:
    """The DOCX of one of the application's letters, and a download name."""
    notice = session.get(Notice, notice_id)
    missing = NotFound(en=f"no letter {notice_id}", fr=f"aucune lettre {notice_id}", field="notice_id")
    if notice is None or notice.application_id != application_id:
        raise missing
    path = Path(notice.file_path)
    if not path.is_file():
        raise NotFound(
            en=f"letter {notice_id} is no longer stored; ask the fund office for a copy",
            fr=f"la lettre {notice_id} n'est plus conservée; demandez-en une copie au bureau du fonds",
            field="notice_id",
        )
    return path, path.name


# --- reviewers --------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentInfo:
    reference: str
    title: str
    stream: str
    language: str
    review: str  # to do | draft | submitted
    submitted_at: dt.datetime | None
    draft_saved_at: dt.datetime | None = None  # a working copy not yet submitted (even after a submission)


def _open_assignments(session: Session, reviewer_id: int) -> list[tuple[Assignment, Application]]:
    """Active assignments the reviewer has no conflict with (a conflict ends one at once; this is a backstop)."""
    rows = session.exec(
        select(Assignment, Application)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .where(Assignment.reviewer_id == reviewer_id, Assignment.status == "active")
        .order_by(col(Application.sequence))
    ).all()
    conflicted = set(session.exec(select(Conflict.application_id).where(Conflict.reviewer_id == reviewer_id)).all())
    return [(a, app) for a, app in rows if app.id not in conflicted]


def reviewer_assignments(session: Session, *, reviewer_id: int, lang: Lang = "en") -> list[AssignmentInfo]:
    """The reviewer's open assignments, each to do, with a draft saved, or submitted."""
    pairs = _open_assignments(session, reviewer_id)
    ids = [a.id for a, _ in pairs] or [-1]
    reviews = {r.assignment_id: r for r in session.exec(select(Review).where(col(Review.assignment_id).in_(ids))).all()}
    drafts = dict(
        session.exec(
            select(ReviewDraft.assignment_id, ReviewDraft.updated_at).where(col(ReviewDraft.assignment_id).in_(ids))
        ).all()
    )
    streams = {s.id: s for s in session.exec(select(Stream)).all()}
    result = []
    for assignment, app in pairs:
        review = reviews.get(assignment.id or 0)
        draft_saved_at = drafts.get(assignment.id or 0)
        stream = streams[app.stream_id]
        result.append(
            AssignmentInfo(
                reference=app.reference,
                title=app.title,
                stream=stream.name_fr if lang == "fr" else stream.name_en,
                language=str(app.language),
                review="submitted" if review is not None else ("draft" if draft_saved_at is not None else "to do"),
                submitted_at=review.submitted_at if review is not None else None,
                draft_saved_at=draft_saved_at,
            )
        )
    return result


@dataclass(frozen=True)
class CriterionInfo:
    code: str
    name: str
    description: str
    weight: float


@dataclass(frozen=True)
class PeerReview:
    reviewer: str  # "Reviewer 1", never a name
    scores: dict[str, Any]
    recommendation: str


@dataclass(frozen=True)
class ProposalView:
    reference: str
    title: str
    summary: str
    organization: str
    organization_type: str
    region: str
    stream: str
    language: str
    requested: str
    total_budget: str
    start_date: dt.date
    duration_months: int
    regions_served: list[str]
    populations_served: list[str]
    board_members: list[str]
    key_staff: list[str]
    partner_organizations: list[str]
    review_deadline: str
    rubric: list[CriterionInfo]
    scale: list[tuple[int, str]]
    recommendations: list[tuple[str, str]]
    own_review: dict[str, Any] | None
    peer_reviews: list[PeerReview] = field(default_factory=list)


def _assigned(session: Session, reviewer_id: int, reference: str) -> tuple[Assignment, Application]:
    wanted = reference.strip().upper()
    for assignment, app in _open_assignments(session, reviewer_id):
        if app.reference == wanted:
            return assignment, app
    raise NotAssigned(
        en=f"{wanted} is not among your assignments",
        fr=f"{wanted} ne fait pas partie de vos dossiers",
        field="reference",
    )


def proposal_for_reviewer(session: Session, *, reviewer_id: int, reference: str, lang: Lang = "en") -> ProposalView:
    """An assigned proposal with the rubric; peers' scores only once this reviewer has submitted."""
    assignment, app = _assigned(session, reviewer_id, reference)
    pick = 0 if lang == "fr" else 1
    call = session.get(Call, app.call_id)
    org = session.get(Organization, app.organization_id)
    stream = session.get(Stream, app.stream_id)
    assert call is not None and org is not None and stream is not None
    spec = call_spec(call)
    own = session.exec(select(Review).where(Review.assignment_id == assignment.id)).first()
    peers: list[PeerReview] = []
    if own is not None:
        others = session.exec(
            select(Review)
            .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
            .where(Assignment.application_id == app.id, Assignment.status == "active", Assignment.id != assignment.id)
            .order_by(col(Assignment.id))
        ).all()
        label = "Évaluateur" if pick == 0 else "Reviewer"
        peers = [
            PeerReview(reviewer=f"{label} {i}", scores=dict(r.scores), recommendation=r.recommendation)
            for i, r in enumerate(others, start=1)
        ]
    return ProposalView(
        reference=app.reference,
        title=app.title,
        summary=app.summary,
        organization=org.legal_name,
        organization_type=org.org_type,
        region=org.region,
        stream=stream.name_fr if pick == 0 else stream.name_en,
        language=str(app.language),
        requested=format_money(app.requested_cents, lang),
        total_budget=format_money(app.total_budget_cents, lang),
        start_date=app.start_date,
        duration_months=app.duration_months,
        regions_served=list(app.regions_served),
        populations_served=list(app.populations_served),
        board_members=list(app.board_members),
        key_staff=list(app.key_staff),
        partner_organizations=list(app.partner_organizations),
        review_deadline=format_datetime(call.review_deadline, lang),
        rubric=[
            CriterionInfo(
                code=c.code,
                name=c.name_fr if pick == 0 else c.name_en,
                description=c.description_fr if pick == 0 else c.description_en,
                weight=float(c.weight),
            )
            for c in spec.rubric
        ],
        scale=[(level.score, level.label_fr if pick == 0 else level.label_en) for level in spec.review.scale],
        recommendations=[(code, names[pick]) for code, names in RECOMMENDATIONS.items()],
        own_review=None
        if own is None
        else {
            "scores": dict(own.scores),
            "comments": dict(own.comments),
            "recommendation": own.recommendation,
            "updated_at": own.updated_at.isoformat(),
        },
        peer_reviews=peers,
    )


def open_assignment(session: Session, *, reviewer_id: int, reference: str) -> Assignment:
    """The reviewer's open assignment to ``reference`` (NotAssigned if none, or if a conflict forbids it)."""
    assignment, _ = _assigned(session, reviewer_id, reference)
    return assignment


def assigned_application_id(session: Session, *, reviewer_id: int, reference: str) -> int:
    """The application behind an open assignment of this reviewer (NotAssigned otherwise)."""
    _, app = _assigned(session, reviewer_id, reference)
    return app.id or 0


def reviewer_call(session: Session, reviewer_id: int) -> Call:
    reviewer = session.get(Reviewer, reviewer_id)
    assert reviewer is not None
    call = session.get(Call, reviewer.call_id)
    assert call is not None
    return call


def own_application(*, own_reference: str, application_id: int, reference: str) -> int:
    """The applicant's own application id if ``reference`` names it; any other reference is not found.

    No read: the applicant's token already named its application (the API's busiest check).
    """
    if reference.strip().upper() != own_reference:
        raise NotFound(
            en=f"no application with reference {reference!r}",
            fr=f"aucune demande portant la référence {reference!r}",
            field="reference",
        )
    return application_id


# --- one application through the API ---------------------------------------------------


class CallClosed(DomainError):
    code = "call_closed"


def submit_application(
    session: Session, *, call_code: str, cells: dict[str, str], actor: str, now: dt.datetime | None = None
) -> tuple[IssuedToken | None, Application]:
    """Validate and store one application like an intake row; the same external id twice is one application.

    Returns the new token (None when the identical application was submitted before) and the application.
    """
    now = now or utcnow()
    call = get_call(session, call_code)
    if not call.opens_at <= now <= call.closes_at:
        raise CallClosed(
            en=f"the call {call.code} takes applications from {format_datetime(call.opens_at, 'en')} "
            f"to {format_datetime(call.closes_at, 'en')}",
            fr=f"l'appel {call.code} reçoit les demandes du {format_datetime(call.opens_at, 'fr')} "
            f"au {format_datetime(call.closes_at, 'fr')}",
        )
    # Sent again under the same external id: it keeps its first submission time, so identical content matches.
    earlier = session.exec(
        select(Application.submitted_at).where(
            Application.call_id == call.id, Application.external_id == cells.get("external_id", "").strip()
        )
    ).first()
    local = (earlier or now).astimezone(ZoneInfo(call.timezone)).replace(tzinfo=None, microsecond=0)
    row = {**cells, "submitted_at": local.isoformat()}
    checked = validate_rows(pd.DataFrame([row], columns=list(row), dtype=str), call_spec(call))
    if checked.errors:
        first = checked.errors[0]
        raise InvalidInput(en=first.reason_en, fr=first.reason_fr, field=first.column)
    stored = store_intake(session, call=call, rows=checked.rows, actor=actor)
    if stored.conflicts:
        first = stored.conflicts[0]
        raise ApplicationExists(en=first.reason_en, fr=first.reason_fr, field=first.column)
    app = session.exec(
        select(Application).where(
            Application.call_id == call.id, Application.external_id == checked.rows[0].external_id
        )
    ).one()
    return (stored.created[0] if stored.created else None), app


class ApplicationExists(DomainError):
    code = "application_exists"
