"""Review summary flow: weighted totals, calibration, flags and ranking, stored per application."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from grants.db import unit_of_work
from grants.scores import CONFIDENCE, ReviewData, StoredSummary, review_data, store_summary
from scoring.calibration import fit_additive, flag_disagreement, flag_outliers, rank, standardize, weighted_totals
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result

Method = Literal["additive", "standardize"]
# When too few reviews leave the uncertainty unknown, an interval this wide keeps the
# application from looking more certain than it is (scores run from 0 to 5).
UNKNOWN_SE = 1.0


@dataclass(frozen=True)
class Aggregation:
    per_review: pd.DataFrame
    per_reviewer: pd.DataFrame
    per_application: pd.DataFrame


@task(cache_policy=NO_CACHE)
def load_reviews(call_code: str) -> ReviewData:
    with unit_of_work() as session:
        return review_data(session, call_code=call_code)


def aggregate(data: ReviewData, method: Method) -> Aggregation:
    """Totals, calibration, outlier and disagreement flags, and the ranking; pure."""
    codes = list(data.weights)
    apps = data.applications[["application_id", "stream", "moderated"]].copy()
    missing = data.missing.groupby("application_id").size()
    reviews = data.reviews.set_index("review_id")
    if reviews.empty:
        per_app = apps.assign(
            n_reviews=0, missing_reviews=missing.reindex(apps["application_id"], fill_value=0).to_numpy()
        )
        return Aggregation(
            pd.DataFrame(columns=["review_id", "total", "outlier"]),
            pd.DataFrame(columns=["reviewer_id", "offset"]),
            per_app,
        )
    totals = weighted_totals(reviews[codes], data.weights)
    frame = reviews[["application_id", "reviewer_id"]].assign(total=totals)
    fit = fit_additive(frame)
    outliers = flag_outliers(fit, data.outlier_sd)
    scores = fit.applications.rename(columns={"score": "calibrated", "se": "standard_error"})
    if method == "standardize":
        standardized = standardize(frame).groupby("application_id")["standardized"].mean()
        scores["calibrated"] = standardized.reindex(scores.index)
    long = (
        reviews[codes]
        .assign(total=totals)
        .reset_index()
        .melt(id_vars=["review_id", "total"], value_vars=codes, var_name="criterion", value_name="score")
    )
    long = long.merge(reviews[["application_id", "reviewer_id"]], left_on="review_id", right_index=True)
    disagreement = flag_disagreement(
        long, criterion_spread=data.criterion_spread, total_spread=data.total_spread
    ).rename(columns={"flagged": "disagreement", "criterion": "spread_criterion"})
    per_app = (
        apps.set_index("application_id")
        .join(scores[["calibrated", "standard_error", "n_reviews", "raw_mean"]])
        .join(disagreement[["disagreement", "total_spread", "criterion_spread", "spread_criterion"]])
    )
    per_app["n_reviews"] = per_app["n_reviews"].fillna(0).astype(int)
    per_app["missing_reviews"] = missing.reindex(per_app.index, fill_value=0).astype(int)
    scored = per_app["calibrated"].notna()
    per_app.loc[scored, "standard_error"] = per_app.loc[scored, "standard_error"].fillna(UNKNOWN_SE)
    ranked = rank(
        per_app.reset_index()[["application_id", "stream", "calibrated", "standard_error", "moderated"]].rename(
            columns={"calibrated": "score", "standard_error": "se"}
        ),
        confidence=CONFIDENCE,
    ).set_index("application_id")
    per_app = per_app.join(ranked[["low", "high", "rank", "tie_group"]]).reset_index()
    per_app[["low", "high"]] = per_app[["low", "high"]].clip(0.0, 5.0)  # the rubric's scale
    per_review = pd.DataFrame(
        {"review_id": reviews.index, "total": totals.to_numpy(), "outlier": outliers.reindex(reviews.index).to_numpy()}
    )
    per_reviewer = fit.reviewers.reset_index()[["reviewer_id", "offset"]]
    return Aggregation(per_review, per_reviewer, per_app)


@task(cache_policy=NO_CACHE)
def aggregate_reviews(data: ReviewData, method: Method) -> Aggregation:
    return aggregate(data, method)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def store_results(call_code: str, result: Aggregation, method: Method, actor: str) -> StoredSummary:
    with unit_of_work() as session:
        return store_summary(
            session,
            call_code=call_code,
            per_review=result.per_review,
            per_reviewer=result.per_reviewer,
            per_application=result.per_application,
            method=method,
            actor=actor,
        )


@flow(name="review-summary", on_completion=[record_stage_result], on_failure=[record_stage_result])
def review_summary_flow(call_code: str, method: Method = "additive", actor: str = "system") -> StoredSummary:
    """Aggregate the call's reviews: calibrated scores, flags for moderation, and the ranking."""
    data = load_reviews(call_code)
    result = aggregate_reviews(quote(data), method)  # type: ignore[call-overload]
    return store_results(call_code, quote(result), method, actor)  # type: ignore[call-overload]
