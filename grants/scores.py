"""Review results, database side: the reviews to aggregate, and storing what aggregation found.

The arithmetic (weighted totals, calibration, flags, ranking) is pure and lives in
``scoring.calibration``; the flow in ``workflows.scoring`` joins the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import call_spec, get_call
from grants.db import in_chunks, table
from grants.errors import InvalidInput
from grants.lifecycle import check_transition
from grants.models import (
    Application,
    ApplicationScore,
    ApplicationStatus,
    Assignment,
    Moderation,
    Organization,
    Review,
    Reviewer,
    Stream,
    utcnow,
)
from grants.tabular import neutralize_formula, write_csv_atomically

CONFIDENCE = 0.9  # intervals and near-ties in the ranking
# Applications whose reviews count: in review, and every stage after it.
REVIEWED_OR_LATER = (
    ApplicationStatus.in_review,
    ApplicationStatus.reviewed,
    ApplicationStatus.funded,
    ApplicationStatus.waitlisted,
    ApplicationStatus.declined,
    ApplicationStatus.active,
    ApplicationStatus.completed,
    ApplicationStatus.terminated,
)


@dataclass(frozen=True)
class ReviewData:
    """Everything aggregation needs, as plain frames."""

    call_id: int
    weights: dict[str, float]
    outlier_sd: float
    criterion_spread: int
    total_spread: float
    reviews: pd.DataFrame  # review_id, application_id, reviewer_id, then one column per criterion (NaN = n/a)
    applications: pd.DataFrame  # application_id, reference, stream, status, active, moderated
    missing: pd.DataFrame  # application_id, reference, reviewer: active assignments without a review


def review_data(session: Session, *, call_code: str) -> ReviewData:
    """The call's reviews that count (active assignments only) and the applications they score."""
    call = get_call(session, call_code)
    spec = call_spec(call)
    codes = [c.code for c in spec.rubric]
    rows = session.execute(
        sa_select(col(Review.id), col(Assignment.application_id), col(Assignment.reviewer_id), col(Review.scores))
        .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .where(col(Application.call_id) == call.id, col(Assignment.status) == "active")
        .order_by(col(Review.id))
    ).all()
    reviews = pd.DataFrame(
        [
            {
                "review_id": rid,
                "application_id": aid,
                "reviewer_id": rev,
                **{c: (math.nan if scores.get(c) is None else float(scores[c])) for c in codes},
            }
            for rid, aid, rev, scores in rows
        ],
        columns=["review_id", "application_id", "reviewer_id", *codes],
    )
    apps = session.execute(
        sa_select(
            col(Application.id),
            col(Application.reference),
            col(Stream.code),
            col(Application.status),
            col(Moderation.score),
        )
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .outerjoin(Moderation, col(Moderation.application_id) == col(Application.id))
        .where(
            col(Application.call_id) == call.id,
            col(Application.status).in_([s.value for s in REVIEWED_OR_LATER]),
        )
        .order_by(col(Application.id))
    ).all()
    applications = pd.DataFrame(apps, columns=["application_id", "reference", "stream", "status", "moderated"])
    missing = pd.DataFrame(
        [(m.application_id, m.reference, m.reviewer) for m in missing_reviews(session, call_code=call_code)],
        columns=["application_id", "reference", "reviewer"],
    )
    return ReviewData(
        call_id=call.id or 0,
        weights={c.code: float(c.weight) for c in spec.rubric},
        outlier_sd=spec.review.outlier_sd,
        criterion_spread=spec.review.criterion_spread_threshold,
        total_spread=spec.review.total_spread_threshold,
        reviews=reviews,
        applications=applications,
        missing=missing,
    )


@dataclass(frozen=True)
class StoredSummary:
    applications: int
    reviews: int
    flagged: int
    outliers: int
    missing: int
    moved_to_reviewed: int


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def store_summary(
    session: Session,
    *,
    call_code: str,
    per_review: pd.DataFrame,
    per_reviewer: pd.DataFrame,
    per_application: pd.DataFrame,
    method: str,
    actor: str,
) -> StoredSummary:
    """Store totals, outlier flags, leniencies and per-application results.

    ``per_review``: review_id, total, outlier. ``per_reviewer``: reviewer_id, offset.
    ``per_application``: application_id, n_reviews, missing_reviews, raw_mean, calibrated,
    standard_error, low, high, rank, tie_group, disagreement, total_spread,
    criterion_spread, spread_criterion. Applications whose every active assignment has
    a review move from in review to reviewed.
    """
    call = get_call(session, call_code)
    now = utcnow()
    connection = session.connection()
    if len(per_review):
        connection.execute(
            update(table(Review))
            .where(table(Review).c.id == bindparam("rid"))
            .values(weighted_total=bindparam("total"), outlier=bindparam("flag")),
            [
                {"rid": int(r), "total": _number(t), "flag": bool(o)}
                for r, t, o in zip(per_review["review_id"], per_review["total"], per_review["outlier"], strict=True)
            ],
        )
    if len(per_reviewer):
        connection.execute(
            update(table(Reviewer))
            .where(table(Reviewer).c.id == bindparam("rid"))
            .values(leniency=bindparam("offset")),
            [
                {"rid": int(r), "offset": _number(o)}
                for r, o in zip(per_reviewer["reviewer_id"], per_reviewer["offset"], strict=True)
            ],
        )
    ids = [int(a) for a in per_application["application_id"]]
    for chunk in in_chunks(ids):
        session.execute(delete(ApplicationScore).where(col(ApplicationScore.application_id).in_(chunk)))
    columns = [
        "n_reviews",
        "missing_reviews",
        "raw_mean",
        "calibrated",
        "standard_error",
        "low",
        "high",
        "rank",
        "tie_group",
        "disagreement",
        "total_spread",
        "criterion_spread",
        "spread_criterion",
    ]
    values = []
    for record in per_application.to_dict(orient="records"):
        row: dict[str, Any] = {"application_id": int(record["application_id"]), "method": method, "computed_at": now}
        for name in columns:
            value = record.get(name)
            if name in ("rank", "tie_group", "n_reviews", "missing_reviews"):
                row[name] = None if value is None or pd.isna(value) else int(value)
            elif name == "disagreement":
                row[name] = bool(value) if value is not None and not pd.isna(value) else False
            elif name == "spread_criterion":
                row[name] = None if value is None or pd.isna(value) else str(value)
            else:
                row[name] = _number(value)
        values.append(row)
    if values:
        connection.execute(insert(table(ApplicationScore)), values)
    complete = [int(r["application_id"]) for r in values if r["missing_reviews"] == 0 and (r["n_reviews"] or 0) > 0]
    moving_ids: list[int] = []
    for chunk in in_chunks(complete):
        in_review = select(Application.id).where(
            col(Application.id).in_(chunk),
            Application.status == ApplicationStatus.in_review.value,
        )
        moving_ids.extend(i for i in session.exec(in_review) if i is not None)
    events = [
        audit.EventDraft(
            actor=actor,
            action="reviews.summarized",
            entity="call",
            entity_id=call.id,
            call_id=call.id,
            data={"method": method, "applications": len(values), "reviews": len(per_review)},
        )
    ]
    if moving_ids:
        check_transition(ApplicationStatus.in_review, ApplicationStatus.reviewed)
        session.execute(
            update(Application)
            .where(col(Application.id).in_(moving_ids))
            .values(status=ApplicationStatus.reviewed.value, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        events.extend(
            audit.EventDraft(
                actor=actor,
                action="application.reviewed",
                entity="application",
                entity_id=app_id,
                call_id=call.id,
                from_state=ApplicationStatus.in_review.value,
                to_state=ApplicationStatus.reviewed.value,
            )
            for app_id in moving_ids
        )
    audit.record(session, events, at=now)
    return StoredSummary(
        applications=len(values),
        reviews=len(per_review),
        flagged=sum(1 for r in values if r["disagreement"]),
        outliers=int(per_review["outlier"].sum()) if len(per_review) else 0,
        missing=sum(r["missing_reviews"] or 0 for r in values),
        moved_to_reviewed=len(moving_ids),
    )


def summary_method(session: Session, *, reference: str) -> str:
    """The method (additive or standardize) of the review summary behind an application's results."""
    application = get_application(session, reference)
    method = session.exec(
        select(ApplicationScore.method).where(ApplicationScore.application_id == application.id)
    ).first()
    return method or "additive"


def moderate(session: Session, *, reference: str, score: float, reason: str, actor: str) -> Moderation:
    """A manager's moderated score (0 to 5) for a reviewed application, with a reason; audited."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(en="a reason is required", fr="une raison est obligatoire", field="reason")
    if not 0 <= score <= 5:
        raise InvalidInput(en="a score is between 0 and 5", fr="une note est entre 0 et 5", field="score")
    application = get_application(session, reference)
    summary = session.exec(select(ApplicationScore).where(ApplicationScore.application_id == application.id)).first()
    if summary is None:
        raise InvalidInput(
            en=f"{application.reference} has no review results yet; run the review summary first",
            fr=f"{application.reference} n'a pas encore de résultats d'évaluation; lancez d'abord le sommaire",
            field="reference",
        )
    now = utcnow()
    moderation = session.exec(select(Moderation).where(Moderation.application_id == application.id)).first()
    previous = moderation.score if moderation else None
    moderation = moderation or Moderation(application_id=application.id or 0, score=score, moderated_by=actor)
    moderation.score, moderation.reason, moderation.moderated_by, moderation.moderated_at = score, reason, actor, now
    session.add(moderation)
    session.flush()
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action="score.moderated",
                entity="application",
                entity_id=application.id,
                call_id=application.call_id,
                reason=reason,
                data={"score": score, "previous": previous, "calibrated": summary.calibrated},
            )
        ],
        at=now,
    )
    return moderation


@dataclass(frozen=True)
class RankedRow:
    stream: str
    rank: int | None
    reference: str
    organization: str
    raw_mean: float | None
    calibrated: float | None
    moderated: float | None
    low: float | None
    high: float | None
    tie_group: int | None
    n_reviews: int
    missing_reviews: int
    disagreement: bool
    outliers: int = 0


def ranking(session: Session, *, call_code: str) -> list[RankedRow]:
    """The stored ranking of the call, stream by stream (best first)."""
    call = get_call(session, call_code)
    rows = session.execute(
        sa_select(
            col(Stream.code),
            col(ApplicationScore.rank),
            col(Application.reference),
            col(Organization.legal_name),
            col(ApplicationScore.raw_mean),
            col(ApplicationScore.calibrated),
            col(Moderation.score),
            col(ApplicationScore.low),
            col(ApplicationScore.high),
            col(ApplicationScore.tie_group),
            col(ApplicationScore.n_reviews),
            col(ApplicationScore.missing_reviews),
            col(ApplicationScore.disagreement),
        )
        .join(Application, col(Application.id) == col(ApplicationScore.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .outerjoin(Moderation, col(Moderation.application_id) == col(Application.id))
        .where(col(Application.call_id) == call.id)
        .order_by(
            col(Stream.code),
            col(ApplicationScore.rank).is_(None),
            col(ApplicationScore.rank),
            col(Application.reference),
        )
    ).all()
    outliers = dict(
        session.execute(
            sa_select(col(Assignment.application_id), func.count())
            .select_from(Review)
            .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
            .join(Application, col(Application.id) == col(Assignment.application_id))
            .where(col(Application.call_id) == call.id, col(Review.outlier), col(Assignment.status) == "active")
            .group_by(col(Assignment.application_id))
        ).all()
    )
    ids = {
        reference: app_id
        for app_id, reference in session.execute(
            sa_select(col(Application.id), col(Application.reference)).where(col(Application.call_id) == call.id)
        ).all()
    }
    ranked = [RankedRow(*row) for row in rows]
    return [replace(r, outliers=int(outliers.get(ids[r.reference], 0))) for r in ranked]


@dataclass(frozen=True)
class MissingReview:
    application_id: int
    reference: str
    reviewer: str
    reviewer_email: str


def missing_reviews(session: Session, *, call_code: str) -> list[MissingReview]:
    """Active assignments with no review yet: listed, never counted as a zero."""
    call = get_call(session, call_code)
    rows = session.execute(
        sa_select(col(Application.id), col(Application.reference), col(Reviewer.name), col(Reviewer.email))
        .select_from(Assignment)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
        .outerjoin(Review, col(Review.assignment_id) == col(Assignment.id))
        .where(col(Application.call_id) == call.id, col(Assignment.status) == "active", col(Review.id).is_(None))
        .order_by(col(Application.reference), col(Reviewer.name))
    ).all()
    return [MissingReview(*row) for row in rows]


@dataclass(frozen=True)
class Leniency:
    name: str
    email: str
    offset: float
    reviews: int


def reviewer_leniency(session: Session, *, call_code: str) -> list[Leniency]:
    """Each reviewer's fitted leniency (positive: scores higher than peers), most lenient first."""
    call = get_call(session, call_code)
    counts = dict(
        session.execute(
            sa_select(col(Assignment.reviewer_id), func.count())
            .select_from(Review)
            .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
            .where(col(Assignment.status) == "active")
            .group_by(col(Assignment.reviewer_id))
        ).all()
    )
    reviewers = session.exec(
        select(Reviewer).where(Reviewer.call_id == call.id, col(Reviewer.leniency).is_not(None))
    ).all()
    found = [Leniency(r.name, r.email, float(r.leniency or 0.0), int(counts.get(r.id, 0))) for r in reviewers]
    return sorted(found, key=lambda r: (-r.offset, r.email))


def export_ranking(rows: list[RankedRow], path: Path) -> Path:
    frame = pd.DataFrame([r.__dict__ for r in rows])
    if len(frame):
        frame["organization"] = frame["organization"].map(neutralize_formula)
    return write_csv_atomically(path, frame)
