"""What a fund manager's dashboard shows of a call: stages, reviewers' progress, ranking, runs, rounds and reports.

Read models only: they gather what the other services already decide (``call_overview``,
``list_conflicts``, ``ranking``), and add the few views no service gave yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants.awards import get_round
from grants.calls import get_call
from grants.conflicts import ConflictView, list_conflicts
from grants.errors import NotFound
from grants.lifecycle import STATUS_NAMES
from grants.models import (
    Application,
    Assignment,
    AwardRound,
    Call,
    Conflict,
    Milestone,
    MilestoneReport,
    Organization,
    Review,
    ReviewDraft,
    Reviewer,
    StageRun,
    Stream,
)
from grants.models import ApplicationStatus as S
from grants.scores import RankedRow, ranking
from grants.status import StageCount, call_overview, pending_review_count

RECENT_RUNS = 20
# The decision an application's stage tells, once an approved round has made it.
DECIDED = {
    S.funded: "funded",
    S.active: "funded",
    S.completed: "funded",
    S.terminated: "funded",
    S.waitlisted: "waitlisted",
    S.declined: "declined",
}


@dataclass(frozen=True)
class StreamName:
    code: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class StageTable:
    """Applications per stage (rows, in lifecycle order) and stream (columns), with totals."""

    streams: list[StreamName]
    stages: list[S]  # the stages that hold at least one application
    counts: dict[tuple[S, str], int]  # (stage, stream code) -> count; absent is zero
    stage_totals: dict[S, int]
    stream_totals: dict[str, int]
    total: int


def stage_table(counts: Sequence[StageCount], streams: Sequence[StreamName]) -> StageTable:
    """Pivot ``call_overview``'s counts; every stream of the call is a column, even an empty one."""
    cells: dict[tuple[S, str], int] = defaultdict(int)
    for count in counts:
        cells[(count.status, count.stream)] += count.count
    stages = [stage for stage in STATUS_NAMES if any(cells.get((stage, s.code), 0) for s in streams)]
    return StageTable(
        streams=list(streams),
        stages=stages,
        counts=dict(cells),
        stage_totals={stage: sum(cells.get((stage, s.code), 0) for s in streams) for stage in stages},
        stream_totals={s.code: sum(cells.get((stage, s.code), 0) for stage in stages) for s in streams},
        total=sum(cells.values()),
    )


@dataclass(frozen=True)
class ReviewerProgress:
    name: str
    email: str
    assigned: int  # active assignments (a recused one no longer counts)
    submitted: int  # reviews submitted on those assignments (a Review row; unsubmitted work is a ReviewDraft)
    drafts: int  # reviews saved as drafts and not submitted yet
    conflicts: int


def review_progress(session: Session, *, call: Call) -> list[ReviewerProgress]:
    """Each reviewer of the call, by name: what they were given, submitted, have in draft, and conflicts."""
    reviewer = col(Assignment.reviewer_id)
    # Active assignments of this call's reviewers: a recused one is no longer theirs to review.
    mine = (col(Assignment.status) == "active", col(Reviewer.call_id) == call.id)
    of_reviewer = col(Reviewer.id) == reviewer
    assigned = dict(
        session.execute(
            sa_select(reviewer, func.count()).join(Reviewer, of_reviewer).where(*mine).group_by(reviewer)
        ).all()
    )
    submitted = dict(
        session.execute(
            sa_select(reviewer, func.count())
            .select_from(Review)
            .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
            .join(Reviewer, of_reviewer)
            .where(*mine)
            .group_by(reviewer)
        ).all()
    )
    # A draft left on an assignment whose review was since submitted is no longer work in progress.
    drafts = dict(
        session.execute(
            sa_select(reviewer, func.count())
            .select_from(ReviewDraft)
            .join(Assignment, col(Assignment.id) == col(ReviewDraft.assignment_id))
            .join(Reviewer, of_reviewer)
            .outerjoin(Review, col(Review.assignment_id) == col(Assignment.id))
            .where(*mine, col(Review.id).is_(None))
            .group_by(reviewer)
        ).all()
    )
    conflicts = dict(
        session.execute(
            sa_select(col(Conflict.reviewer_id), func.count())
            .join(Reviewer, col(Reviewer.id) == col(Conflict.reviewer_id))
            .where(col(Reviewer.call_id) == call.id)
            .group_by(col(Conflict.reviewer_id))
        ).all()
    )
    reviewers = session.exec(
        select(Reviewer).where(Reviewer.call_id == call.id).order_by(col(Reviewer.name), col(Reviewer.email))
    ).all()
    return [
        ReviewerProgress(
            name=r.name,
            email=r.email,
            assigned=int(assigned.get(r.id, 0)),
            submitted=int(submitted.get(r.id, 0)),
            drafts=int(drafts.get(r.id, 0)),
            conflicts=int(conflicts.get(r.id, 0)),
        )
        for r in reviewers
    ]


@dataclass(frozen=True)
class RankedApplication:
    row: RankedRow
    title: str
    decision: str | None  # funded, waitlisted or declined once decided; None before

    @property
    def score(self) -> float | None:
        """The score the ranking uses: a manager's moderated score when there is one."""
        return self.row.moderated if self.row.moderated is not None else self.row.calibrated


def ranked_applications(session: Session, *, call_code: str) -> list[RankedApplication]:
    """``ranking`` with each project's title and, once an approved round decided it, its decision."""
    rows = ranking(session, call_code=call_code)
    call = get_call(session, call_code)
    found = session.execute(
        sa_select(col(Application.reference), col(Application.title), col(Application.status)).where(
            col(Application.call_id) == call.id
        )
    ).all()
    about = {reference: (title, S(status)) for reference, title, status in found}
    return [RankedApplication(row, about[row.reference][0], DECIDED.get(about[row.reference][1])) for row in rows]


def recent_runs(session: Session, *, call: Call, limit: int = RECENT_RUNS) -> list[StageRun]:
    """The call's stage runs and the fund-wide ones (milestone checks), newest first."""
    return list(
        session.exec(
            select(StageRun)
            .where(or_(col(StageRun.call_id) == call.id, col(StageRun.call_id).is_(None)))
            .order_by(col(StageRun.id).desc())
            .limit(limit)
        ).all()
    )


def call_rounds(session: Session, *, call: Call) -> list[AwardRound]:
    """The call's award rounds, newest first."""
    return list(
        session.exec(select(AwardRound).where(AwardRound.call_id == call.id).order_by(col(AwardRound.id).desc())).all()
    )


def list_calls(session: Session) -> list[Call]:
    """Every call, the most recent opening first."""
    return list(session.exec(select(Call).order_by(col(Call.opens_at).desc(), col(Call.code))).all())


def round_call(session: Session, *, round_id: int) -> tuple[AwardRound, Call]:
    """A round and its call (NotFound for an unknown round)."""
    award_round = get_round(session, round_id)
    call = session.get(Call, award_round.call_id)
    assert call is not None  # a foreign key
    return award_round, call


@dataclass(frozen=True)
class ReportLine:
    """A milestone report, with what a manager needs to decide it: the project and the milestone it is for."""

    report_id: int
    call_code: str
    reference: str
    organization: str
    sequence: int
    kind: str  # signing | interim | final
    due_date: dt.date
    amount_cents: int
    milestone_status: str
    submitted_at: dt.datetime
    narrative: str
    indicators: dict[str, int]  # indicator code -> count, as the applicant gave them
    status: str  # submitted | accepted | returned
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None


def _report_query() -> Select[MilestoneReport, Milestone, str, str, str]:
    return (
        sa_select(
            MilestoneReport,
            Milestone,
            col(Application.reference),
            col(Organization.legal_name),
            col(Call.code),
        )
        .join(Milestone, col(Milestone.id) == col(MilestoneReport.milestone_id))
        .join(Application, col(Application.id) == col(Milestone.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Call, col(Call.id) == col(Application.call_id))
    )


def _report_line(
    report: MilestoneReport, milestone: Milestone, reference: str, organization: str, code: str
) -> ReportLine:
    return ReportLine(
        report_id=report.id or 0,
        call_code=code,
        reference=reference,
        organization=organization,
        sequence=milestone.sequence,
        kind=milestone.kind,
        due_date=milestone.due_date,
        amount_cents=milestone.amount_cents,
        milestone_status=milestone.status,
        submitted_at=report.submitted_at,
        narrative=report.narrative,
        indicators={str(k): int(v) for k, v in report.indicators.items()},
        status=report.status,
        decided_by=report.decided_by,
        decided_at=report.decided_at,
        decision_reason=report.decision_reason,
    )


def reports_waiting(session: Session, *, call: Call) -> list[ReportLine]:
    """The call's milestone reports waiting for a manager's decision, the longest waiting first."""
    rows = session.execute(
        _report_query()
        .where(col(Application.call_id) == call.id, col(MilestoneReport.status) == "submitted")
        .order_by(col(MilestoneReport.submitted_at), col(MilestoneReport.id))
    ).all()
    return [_report_line(*row) for row in rows]


def milestone_report(session: Session, *, report_id: int) -> ReportLine:
    """One milestone report, decided or not (NotFound for an unknown report)."""
    row = session.execute(_report_query().where(col(MilestoneReport.id) == report_id)).one_or_none()
    if row is None:
        raise NotFound(en=f"no report {report_id}", fr=f"aucun rapport {report_id}", field="report")
    return _report_line(*row)


@dataclass(frozen=True)
class Dashboard:
    call: Call
    stages: StageTable
    pending_reviews: int
    conflicts: list[ConflictView]
    reviewers: list[ReviewerProgress]
    ranking: dict[str, list[RankedApplication]]  # stream code -> its ranking, best first
    runs: list[StageRun]
    rounds: list[AwardRound]
    reports: list[ReportLine]  # milestone reports waiting for a decision, the longest waiting first


def dashboard(session: Session, *, call_code: str) -> Dashboard:
    """Everything the call's dashboard shows, read in one session."""
    call = get_call(session, call_code)
    streams = [
        StreamName(s.code, s.name_fr, s.name_en)
        for s in session.exec(select(Stream).where(Stream.call_id == call.id).order_by(col(Stream.id))).all()
    ]
    by_stream: dict[str, list[RankedApplication]] = {s.code: [] for s in streams}
    for ranked in ranked_applications(session, call_code=call.code):
        by_stream.setdefault(ranked.row.stream, []).append(ranked)
    return Dashboard(
        call=call,
        stages=stage_table(call_overview(session, call_code=call.code), streams),
        pending_reviews=pending_review_count(session, call_code=call.code),
        conflicts=list_conflicts(session, call=call),
        reviewers=review_progress(session, call=call),
        ranking=by_stream,
        runs=recent_runs(session, call=call),
        rounds=call_rounds(session, call=call),
        reports=reports_waiting(session, call=call),
    )
