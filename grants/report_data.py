"""The figures behind the managers' report, as plain frames (tabulation and suppression are pure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from grants.calls import get_call
from grants.models import Application, AwardRound, Decision, Milestone, MilestoneReport, Stream


@dataclass(frozen=True)
class CallFigures:
    stages: pd.DataFrame  # stream, stage, count
    # stream, region, funded_count, funded_amount_cents, waitlisted_count, declined_count; each project is
    # counted in the first region it serves, so that regions add up to the stream's total.
    decisions: pd.DataFrame
    payments: pd.DataFrame  # kind, status, count, amount_cents
    indicators: pd.DataFrame  # indicator, value (accepted reports only)


def call_figures(session: Session, *, call_code: str) -> CallFigures:
    """Counts and sums for one call: stages, latest approved decisions, milestones, accepted outcomes."""
    call = get_call(session, call_code)
    stages = pd.DataFrame(
        session.execute(
            sa_select(col(Stream.code), col(Application.status), col(Application.id))
            .join(Stream, col(Stream.id) == col(Application.stream_id))
            .where(col(Application.call_id) == call.id)
        ).all(),
        columns=["stream", "stage", "application_id"],
    )
    stages = stages.groupby(["stream", "stage"]).size().rename("count").reset_index()
    latest: dict[int, tuple[str, list[str], str, int]] = {}
    for app_id, stream, regions, outcome, amount in session.execute(
        sa_select(col(Decision.application_id), col(Stream.code), col(Application.regions_served),
                  col(Decision.outcome), col(Decision.amount_cents))
        .join(AwardRound, col(AwardRound.id) == col(Decision.round_id))
        .join(Application, col(Application.id) == col(Decision.application_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(col(AwardRound.call_id) == call.id, col(AwardRound.status) == "approved")
        .order_by(col(AwardRound.id))
    ):  # fmt: skip
        latest[app_id] = (stream, list(regions), outcome, amount)
    by_region: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"funded_count": 0, "funded_amount_cents": 0, "waitlisted_count": 0, "declined_count": 0}
    )
    for stream, regions, outcome, amount in latest.values():
        cell = by_region[(stream, regions[0] if regions else "")]
        cell[f"{outcome}_count"] += 1
        if outcome == "funded":
            cell["funded_amount_cents"] += amount
    decisions = pd.DataFrame(
        [{"stream": s, "region": r, **v} for (s, r), v in sorted(by_region.items())],
        columns=["stream", "region", "funded_count", "funded_amount_cents", "waitlisted_count", "declined_count"],
    )
    payments = pd.DataFrame(
        session.execute(
            sa_select(col(Milestone.kind), col(Milestone.status), col(Milestone.amount_cents))
            .join(Application, col(Application.id) == col(Milestone.application_id))
            .where(col(Application.call_id) == call.id)
        ).all(),
        columns=["kind", "status", "amount_cents"],
    )
    payments = (
        payments.groupby(["kind", "status"])
        .agg(count=("amount_cents", "size"), amount_cents=("amount_cents", "sum"))
        .reset_index()
    )
    totals: dict[str, int] = defaultdict(int)
    for (indicators,) in session.execute(
        sa_select(col(MilestoneReport.indicators))
        .join(Milestone, col(Milestone.id) == col(MilestoneReport.milestone_id))
        .join(Application, col(Application.id) == col(Milestone.application_id))
        .where(col(Application.call_id) == call.id, col(MilestoneReport.status) == "accepted")
    ):
        for code, value in indicators.items():
            totals[code] += int(value)
    outcomes = pd.DataFrame(sorted(totals.items()), columns=["indicator", "value"])
    return CallFigures(stages, decisions, payments, outcomes)
