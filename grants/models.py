"""All tables of the engine, one family per entity (DESIGN.md section 2).

Money is stored as whole cents (``*_cents``) so sums are exact; timestamps are
timezone-aware UTC; lists (board members, regions served, ...) are JSON.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC on the way in and out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    @staticmethod
    def from_sqlite(value: str | None) -> dt.datetime | None:
        """SQLite's stored text straight to UTC (for hot reads: one C call instead of SQLAlchemy's regex)."""
        if value is None:
            return None
        moment = dt.datetime.fromisoformat(value)
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _text(nullable: bool = False) -> Any:
    return Field(default="" if not nullable else None, sa_column=Column(Text, nullable=nullable))


def _cents(nullable: bool = False) -> Any:
    return Field(default=0 if not nullable else None, sa_column=Column(BigInteger, nullable=nullable))


class ApplicationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    eligible = "eligible"
    ineligible = "ineligible"
    in_review = "in_review"
    reviewed = "reviewed"
    funded = "funded"
    waitlisted = "waitlisted"
    declined = "declined"
    active = "active"
    completed = "completed"
    terminated = "terminated"


class RuleOutcome(StrEnum):
    passed = "pass"
    failed = "fail"
    needs_review = "needs_review"


class Language(StrEnum):
    fr = "fr"
    en = "en"


# --- call setup -----------------------------------------------------------------


class Call(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    reference_prefix: str = Field(max_length=32)
    title_fr: str
    title_en: str
    timezone: str = "America/Toronto"
    opens_at: dt.datetime = _ts()
    closes_at: dt.datetime = _ts()
    review_deadline: dt.datetime = _ts()
    reviewers_per_application: int = 3
    # The whole validated call file (regions, eligibility, rubric, review, award).
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    spec_hash: str = Field(max_length=64)
    created_at: dt.datetime = _ts()
    updated_at: dt.datetime = _ts()


class Stream(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("call_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    code: str = Field(max_length=16)
    name_fr: str
    name_en: str
    envelope_cents: int = _cents()
    min_request_cents: int = _cents()
    max_request_cents: int = _cents()
    indigenous_led_required: bool = False


# --- applicants -----------------------------------------------------------------


class Organization(SQLModel, table=True):
    """An applicant organization, known by its charity or corporation number."""

    id: int | None = Field(default=None, primary_key=True)
    registration_number: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    legal_name: str
    normalized_name: str = Field(index=True)
    org_type: str = Field(max_length=32)
    region: str = Field(max_length=32)
    province: str = Field(max_length=2)
    contact_email: str
    indigenous_led: bool = False
    created_at: dt.datetime = _ts()
    updated_at: dt.datetime = _ts()


class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("call_id", "external_id"),
        UniqueConstraint("call_id", "sequence"),
        Index("ix_application_call_status", "call_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_column=Column(String(40), unique=True, nullable=False))
    call_id: int = Field(foreign_key="call.id")
    stream_id: int = Field(foreign_key="stream.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    sequence: int
    external_id: str = Field(max_length=64)
    status: ApplicationStatus = Field(default=ApplicationStatus.draft, sa_column=Column(String(16), nullable=False))
    language: Language = Field(sa_column=Column(String(2), nullable=False))
    contact_name: str
    contact_email: str
    title: str
    summary: str = _text()
    regions_served: list[str] = _json()
    populations_served: list[str] = _json()
    board_members: list[str] = _json()
    key_staff: list[str] = _json()
    partner_organizations: list[str] = _json()
    requested_cents: int = _cents()
    total_budget_cents: int = _cents()
    start_date: dt.date
    duration_months: int
    submitted_at: dt.datetime = _ts()
    source_hash: str = Field(max_length=64)
    created_at: dt.datetime = _ts()
    updated_at: dt.datetime = _ts()


class EligibilityResult(SQLModel, table=True):
    """One rule's verdict on one application; a manager override is rule ``override``."""

    __table_args__ = (UniqueConstraint("application_id", "rule"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    rule: str = Field(max_length=32)
    outcome: RuleOutcome = Field(sa_column=Column(String(16), nullable=False))
    reason_fr: str = _text()
    reason_en: str = _text()
    decided_by: str = "system"
    decided_at: dt.datetime = _ts()


# --- review ---------------------------------------------------------------------


class Reviewer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("call_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    name: str
    email: str
    affiliation: str = ""
    normalized_affiliation: str = ""
    expertise: list[str] = _json()
    languages: list[str] = _json()
    regions: list[str] = _json()
    indigenous_expertise: bool = False
    max_load: int = 10
    leniency: float | None = None  # fitted offset: positive scores higher than peers
    created_at: dt.datetime = _ts()


class Conflict(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("reviewer_id", "application_id", "rule"),)
    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    source: str = Field(max_length=16)  # detected | declared | imported
    rule: str = Field(max_length=32)
    reason_fr: str = _text()
    reason_en: str = _text()
    created_at: dt.datetime = _ts()


class Assignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    affinity: float = 0.0
    status: str = Field(default="active", max_length=16)  # active | recused
    created_at: dt.datetime = _ts()


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", sa_column_kwargs={"unique": True})
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comments: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recommendation: str = Field(default="", max_length=16)
    weighted_total: float | None = None
    outlier: bool = False  # far from what the fitted model expects
    submitted_at: dt.datetime | None = _ts(nullable=True)
    updated_at: dt.datetime = _ts()


class ApplicationScore(SQLModel, table=True):
    """An application's aggregated review result, recomputed by each review summary."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", sa_column_kwargs={"unique": True})
    n_reviews: int = 0
    missing_reviews: int = 0
    raw_mean: float | None = None
    calibrated: float | None = None
    standard_error: float | None = None
    low: float | None = None
    high: float | None = None
    rank: int | None = None
    tie_group: int | None = None
    disagreement: bool = False
    total_spread: float | None = None
    criterion_spread: float | None = None
    spread_criterion: str | None = Field(default=None, max_length=32)
    method: str = Field(default="additive", max_length=16)
    computed_at: dt.datetime = _ts()


class Moderation(SQLModel, table=True):
    """A manager's moderated score for a flagged application; the ranking uses it."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", sa_column_kwargs={"unique": True})
    score: float
    reason: str = _text()
    moderated_by: str
    moderated_at: dt.datetime = _ts()


# --- awards and after -------------------------------------------------------------


class AwardRound(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    status: str = Field(default="draft", max_length=16)  # draft | approved | stale | superseded
    dry_run: bool = False
    policy: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    seed: int | None = None
    method: str = Field(default="rank_order", max_length=16)
    kind: str = Field(default="initial", max_length=16)  # initial | waitlist (money freed by a withdrawal)
    inputs_hash: str = Field(default="", max_length=64)
    # Totals by stream, region floors met or not, and the recorded lottery draws.
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    run_by: str
    approved_by: str | None = None
    created_at: dt.datetime = _ts()
    approved_at: dt.datetime | None = _ts(nullable=True)


class Decision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("round_id", "application_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="awardround.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    outcome: str = Field(max_length=16)  # funded | waitlisted | declined
    amount_cents: int = _cents()
    waitlist_position: int | None = None
    rule: str = Field(default="", max_length=32)
    rationale_fr: str = _text()
    rationale_en: str = _text()


class Notice(SQLModel, table=True):
    """A generated letter; ``dedupe_key`` (application, kind, round or milestone) is unique."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(96), unique=True, nullable=False))
    application_id: int = Field(foreign_key="application.id", index=True)
    kind: str = Field(max_length=24)
    round_id: int | None = Field(default=None, foreign_key="awardround.id")
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    language: Language = Field(sa_column=Column(String(2), nullable=False))
    file_path: str
    sha256: str = Field(max_length=64)
    created_at: dt.datetime = _ts()
    sent_at: dt.datetime | None = _ts(nullable=True)


class Milestone(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("application_id", "sequence"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="awardround.id")
    sequence: int
    kind: str = Field(max_length=16)  # signing | interim | final
    due_date: dt.date
    amount_cents: int = _cents()
    report_required: bool = True
    status: str = Field(default="scheduled", max_length=16)  # scheduled | due | overdue | accepted | paid | held
    paid_at: dt.datetime | None = _ts(nullable=True)


class MilestoneReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    narrative: str = _text()
    indicators: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="submitted", max_length=16)  # submitted | accepted | returned
    submitted_at: dt.datetime = _ts()
    decided_by: str | None = None
    decided_at: dt.datetime | None = _ts(nullable=True)
    decision_reason: str | None = _text(nullable=True)


# --- accountability ----------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record of every state change."""

    __table_args__ = (Index("ix_auditevent_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _ts()
    actor: str
    action: str = Field(max_length=48)
    entity: str = Field(max_length=24)
    entity_id: int | None = None
    call_id: int | None = Field(default=None, index=True)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    reason: str | None = _text(nullable=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))


# --- access ------------------------------------------------------------------------------


class TokenRole(StrEnum):
    applicant = "applicant"
    reviewer = "reviewer"
    manager = "manager"


class Manager(SQLModel, table=True):
    """A fund manager: runs calls, stages and award rounds through the API."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    created_at: dt.datetime = _ts()
    created_by: str


class AccessToken(SQLModel, table=True):
    """A bearer token for the API, kept only as its SHA-256; one role and one subject each."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    role: TokenRole = Field(sa_column=Column(String(16), nullable=False))
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    reviewer_id: int | None = Field(default=None, foreign_key="reviewer.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="manager.id", index=True)
    expires_at: dt.datetime = _ts()
    revoked_at: dt.datetime | None = _ts(nullable=True)
    created_at: dt.datetime = _ts()
    created_by: str


class StageRun(SQLModel, table=True):
    """A stage run as a Prefect flow run: who asked, and its domain result once finished."""

    id: int | None = Field(default=None, primary_key=True)
    flow_run_id: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    stage: str = Field(max_length=32)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    requested_by: str
    requested_at: dt.datetime = _ts()
    finished_at: dt.datetime | None = _ts(nullable=True)
    outcome: str = Field(default="", max_length=16)  # "" while running | completed | refused | failed
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie's SHA-256, the token it signed in with, its CSRF secret."""

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    token_id: int = Field(foreign_key="accesstoken.id", index=True)
    csrf: str = Field(max_length=64)
    lang: str = Field(default="", max_length=2)  # "" until the person picks a language
    created_at: dt.datetime = _ts()
    expires_at: dt.datetime = _ts()


class ReviewDraft(SQLModel, table=True):
    """A reviewer's unsubmitted scores and comments; the review summary never reads it."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", sa_column_kwargs={"unique": True})
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comments: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recommendation: str = Field(default="", max_length=16)
    updated_at: dt.datetime = _ts()
