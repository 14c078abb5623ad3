"""Weighted totals, reviewer calibration, moderation flags, ranking and the seeded simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scoring.calibration import (
    AdditiveFit,
    fit_additive,
    flag_disagreement,
    flag_outliers,
    rank,
    simulate_reviews,
    standardize,
    top_share_recovered,
    weighted_totals,
)

NA = np.nan


def reviews_frame(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["application_id", "reviewer_id", "total"]).rename_axis("review_id")


# --- weighted totals ----------------------------------------------------------------------


def test_weighted_totals_leave_not_applicable_out_of_both_sums() -> None:
    scores = pd.DataFrame(
        {"need": [4, 4, NA, 0, 5], "budget": [3, NA, NA, 0, NA], "reach": [5, 2, NA, NA, NA]},
        index=pd.Index([101, 102, 103, 104, 105], name="review_id"),
    )

    totals = weighted_totals(scores, {"need": 2, "budget": 1, "reach": 1})

    expected = pd.Series(
        [
            (2 * 4 + 3 + 5) / 4,  # 4.0
            (2 * 4 + 2) / 3,  # budget N/A: out of the numerator and the denominator
            NA,  # all N/A: no total, not 0
            0.0,  # real zeros count
            5.0,
        ],
        index=scores.index,
        name="total",
    )
    pd.testing.assert_series_equal(totals, expected, check_exact=True)


def test_weighted_totals_refuse_a_criterion_outside_the_rubric_or_the_scale() -> None:
    weights = {"need": 1.0, "budget": 1.0}
    with pytest.raises(ValueError, match="missing \\['budget'\\]"):
        weighted_totals(pd.DataFrame({"need": [3]}), weights)
    with pytest.raises(ValueError, match="unknown \\['extra'\\]"):
        weighted_totals(pd.DataFrame({"need": [3], "budget": [3], "extra": [1]}), weights)
    with pytest.raises(ValueError, match="between 0 and 5"):
        weighted_totals(pd.DataFrame({"need": [6], "budget": [3]}), weights)


# --- standardization ----------------------------------------------------------------------


def test_standardize_maps_each_reviewer_z_scores_to_the_global_mean_and_sd() -> None:
    reviews = reviews_frame(
        [
            (1, "harsh", 1.0),
            (2, "harsh", 3.0),
            (1, "lenient", 3.0),
            (2, "lenient", 5.0),
            (3, "once", 3.0),
            (4, "once", NA),
        ]
    )

    out = standardize(reviews)

    # Scored totals 1, 3, 3, 5, 3: mean 3, population SD sqrt(8/5). Both two-review reviewers
    # have z = -1, +1; the one-review reviewer does not vary, so it gets the mean.
    sd = np.sqrt(8 / 5)
    expected = [3 - sd, 3 + sd, 3 - sd, 3 + sd, 3.0, NA]
    np.testing.assert_allclose(out["standardized"].to_numpy(), expected, rtol=0, atol=1e-12)
    assert out.index.equals(reviews.index)


# --- additive calibration -----------------------------------------------------------------


def test_fit_additive_shrinks_offsets_on_a_hand_example() -> None:
    # Without shrinkage: quality 3 and 2, offsets +1 and -1, a perfect fit. With shrinkage 2,
    # the reviewers' equations (1 + 2) b1 - b2 = 2 and b2 = -b1 give b1 = 2 / 4 = 0.5.
    reviews = reviews_frame([(1, "a", 4.0), (2, "a", 3.0), (1, "b", 2.0), (2, "b", 1.0)])

    fit = fit_additive(reviews, shrinkage=2.0)

    np.testing.assert_allclose(fit.reviewers["offset"], [0.5, -0.5], rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.applications["score"], [3.0, 2.0], rtol=0, atol=1e-12)
    assert fit.applications["raw_mean"].tolist() == [3.0, 2.0]
    assert fit.applications["n_reviews"].tolist() == [2, 2]
    assert fit.reviewers["n_reviews"].tolist() == [2, 2]
    np.testing.assert_allclose(fit.reviews["fitted"], [3.5, 2.5, 2.5, 1.5], rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.reviews["residual"], [0.5, 0.5, -0.5, -0.5], rtol=0, atol=1e-12)


def test_fit_additive_matches_the_dense_normal_equations() -> None:
    sim = simulate_reviews(40, 10, 3, seed=11, topics=2)
    reviews, shrinkage = sim.reviews, 1.5
    assert reviews["reviewer_id"].nunique() == 10

    fit = fit_additive(reviews, shrinkage=shrinkage)

    # The textbook ridge solution with dense matrices: M = X'X + P, beta = M^-1 X'y.
    n, n_apps, n_revs = len(reviews), 40, 10
    x = np.zeros((n, n_apps + n_revs))
    x[np.arange(n), reviews["application_id"]] = 1
    x[np.arange(n), n_apps + reviews["reviewer_id"]] = 1
    m_inv = np.linalg.inv(x.T @ x + np.diag([0.0] * n_apps + [shrinkage] * n_revs))
    y = reviews["total"].to_numpy()
    beta = m_inv @ x.T @ y
    leverage = np.einsum("ij,jk,ik->i", x, m_inv, x)
    residual = y - x @ beta
    sigma = np.sqrt(residual @ residual / (n - leverage.sum()))
    np.testing.assert_allclose(fit.applications["score"], beta[:n_apps], rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.reviewers["offset"], beta[n_apps:], rtol=0, atol=1e-10)
    assert fit.sigma == pytest.approx(sigma, abs=1e-12)
    assert fit.dof == pytest.approx(leverage.sum(), abs=1e-9)
    np.testing.assert_allclose(fit.applications["se"], sigma * np.sqrt(np.diag(m_inv)[:n_apps]), rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        fit.reviews["std_residual"], residual / (sigma * np.sqrt(1 - leverage)), rtol=0, atol=1e-10
    )
    assert fit.reviewers["offset"].sum() == pytest.approx(0, abs=1e-10)  # the penalty centres the offsets


def test_fit_additive_recovers_planted_reviewer_offsets_within_0_15() -> None:
    rng = np.random.default_rng(3)
    n_apps, n_revs, k = 400, 20, 4
    offsets = rng.normal(0, 0.5, n_revs)
    offsets -= offsets.mean()  # the fit's offsets average 0 by construction; plant them so
    quality = rng.uniform(1.5, 3.5, n_apps)
    panel = np.argsort(rng.random((n_apps, n_revs)), axis=1)[:, :k]  # 4 distinct reviewers each, ~80 reviews each
    app_of, reviewer_of = np.repeat(np.arange(n_apps), k), panel.ravel()
    total = np.clip(quality[app_of] + offsets[reviewer_of] + rng.normal(0, 0.3, len(app_of)), 0, 5)
    reviews = pd.DataFrame({"application_id": app_of, "reviewer_id": reviewer_of, "total": total})

    fit = fit_additive(reviews)

    offset_error = np.abs(fit.reviewers["offset"].to_numpy() - offsets).max()
    calibrated_error = np.abs(fit.applications["score"].to_numpy() - quality).max()
    raw_error = np.abs(fit.applications["raw_mean"].to_numpy() - quality).max()
    assert offset_error < 0.15
    assert calibrated_error < raw_error


def test_fit_additive_keeps_unscored_reviews_out_of_the_fit() -> None:
    reviews = reviews_frame([(1, "a", 4.0), (1, "b", 2.0), (2, "a", NA), (3, "c", NA)])

    fit = fit_additive(reviews)

    assert fit.applications["n_reviews"].to_dict() == {1: 2, 2: 0, 3: 0}
    assert fit.applications.loc[[2, 3], ["score", "se", "raw_mean"]].isna().all().all()
    assert fit.reviewers["n_reviews"].to_dict() == {"a": 1, "b": 1, "c": 0}
    assert fit.reviewers["offset"].isna().to_dict() == {"a": False, "b": False, "c": True}
    assert fit.reviews.loc[[2, 3], ["fitted", "residual", "std_residual"]].isna().all().all()


def test_fit_additive_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="shrinkage"):
        fit_additive(reviews_frame([(1, "a", 3.0)]), shrinkage=0)
    with pytest.raises(ValueError, match="more than one scored review"):
        fit_additive(reviews_frame([(1, "a", 3.0), (1, "a", 4.0)]))
    with pytest.raises(ValueError, match="between 0 and 5"):
        fit_additive(reviews_frame([(1, "a", 5.5)]))


# --- flags --------------------------------------------------------------------------------


def test_flag_outliers_fires_only_strictly_above_the_threshold() -> None:
    reviews = reviews_frame([(i, "a", 3.0) for i in range(6)])
    reviews["std_residual"] = [1.99, 2.0, 2.01, -2.0, -2.01, NA]
    fit = AdditiveFit(pd.DataFrame(), pd.DataFrame(), reviews, sigma=0.5, dof=1.0, shrinkage=1.0)

    flags = flag_outliers(fit, threshold_sd=2.0)

    assert flags.tolist() == [False, False, True, False, True, False]
    assert flags.index.equals(reviews.index)


def long_scores(rows: list[tuple[int, str, dict[str, float], float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"application_id": app, "reviewer_id": reviewer, "criterion": code, "score": score, "total": total}
            for app, reviewer, scores, total in rows
            for code, score in scores.items()
        ]
    )


def test_flag_disagreement_fires_exactly_at_the_thresholds() -> None:
    scores_long = long_scores(
        [
            # criterion spreads 2, 3, 4 (totals agree)
            (1, "a", {"need": 2, "reach": 3}, 2.5),
            (1, "b", {"need": 4, "reach": 3}, 2.5),
            (2, "a", {"need": 2, "reach": 3}, 2.5),
            (2, "b", {"need": 5, "reach": 3}, 2.5),
            (3, "a", {"need": 1, "reach": 3}, 2.5),
            (3, "b", {"need": 5, "reach": 3}, 2.5),
            # total spreads 1.25, 1.5, 1.75 (criteria within 1)
            (4, "a", {"need": 3, "reach": 3}, 2.0),
            (4, "b", {"need": 4, "reach": 3}, 3.25),
            (5, "a", {"need": 3, "reach": 3}, 2.0),
            (5, "b", {"need": 4, "reach": 3}, 3.5),
            (6, "a", {"need": 3, "reach": 3}, 2.0),
            (6, "b", {"need": 4, "reach": 3}, 3.75),
            # "not applicable" is left out of the spread: 1 and 4 scored, NaN ignored -> 3
            (7, "a", {"need": 1, "reach": 3}, 2.0),
            (7, "b", {"need": NA, "reach": 3}, 3.0),
            (7, "c", {"need": 4, "reach": 3}, 3.0),
            # float noise: 11/3 - 5/3 is 1.9999999999999998 in floats; it counts as 2
            (8, "a", {"need": 3, "reach": 3}, 11 / 3),
            (8, "b", {"need": 3, "reach": 3}, 5 / 3),
        ]
    )

    out = flag_disagreement(scores_long, criterion_spread=3, total_spread=1.5)

    assert out["criterion_spread"].tolist() == [2, 3, 4, 1, 1, 1, 3, 0]
    assert out.loc[[1, 2, 3, 7], "criterion"].tolist() == ["need"] * 4
    assert out["total_spread"].tolist() == [0, 0, 0, 1.25, 1.5, 1.75, 1.0, 2.0]
    assert out["criterion_flag"].tolist() == [False, True, True, False, False, False, True, False]
    assert out["total_flag"].tolist() == [False, False, False, False, True, True, False, True]
    assert out["flagged"].tolist() == [False, True, True, False, True, True, True, True]
    assert flag_disagreement(scores_long, criterion_spread=3, total_spread=2.0).loc[8, "total_flag"]


# --- ranking ------------------------------------------------------------------------------


def test_rank_orders_each_stream_and_groups_near_ties_around_each_groups_best() -> None:
    applications = pd.DataFrame(
        [
            # application_id, stream, score, se, moderated
            (10, "csf", 4.0, 0.1, NA),
            (11, "csf", 3.8, 0.1, NA),
            (12, "csf", 3.5, 0.1, NA),
            (13, "csf", 3.0, 0.1, NA),
            (9, "csf", 3.0, 0.1, NA),  # same score as 13: the smaller id ranks first
            (14, "csf", 2.0, 0.1, 4.5),  # the moderated score replaces the calibrated one
            (20, "iif", 3.0, 0.0, NA),
            (21, "iif", NA, NA, NA),  # no reviews: listed last, no rank
            (22, "iif", 3.0, 0.0, NA),
        ],
        columns=["application_id", "stream", "score", "se", "moderated"],
    )

    out = rank(applications, confidence=0.9)

    # z = 1.645, combined se 0.1414 so a gap over 0.2326 sets two apart: 4.5 | 4.0 ~ 3.8 (0.2 from
    # the group's best) | 3.5 (0.5 from 4.0) | 3.0 ~ 3.0. In iif, 3.0 with se 0 ties 3.0 exactly.
    assert out["application_id"].tolist() == [14, 10, 11, 12, 9, 13, 20, 22, 21]
    assert out["rank"].tolist() == [1, 2, 3, 4, 5, 6, 1, 2, pd.NA]
    assert out["tie_group"].tolist() == [1, 2, 2, 3, 4, 4, 1, 1, pd.NA]
    assert out["ranked_score"].tolist()[:3] == [4.5, 4.0, 3.8]
    z = stats.norm.ppf(0.95)
    np.testing.assert_allclose(out["low"].iloc[:2], [4.5 - 0.1 * z, 4.0 - 0.1 * z], rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["high"].iloc[:2], [4.5 + 0.1 * z, 4.0 + 0.1 * z], rtol=0, atol=1e-12)


def test_rank_splits_a_tie_group_when_the_confidence_is_lower() -> None:
    applications = pd.DataFrame(
        {"application_id": [1, 2], "stream": ["csf", "csf"], "score": [4.0, 3.8], "se": [0.1, 0.1]}
    )

    # The gap 0.2 against z * 0.1414: apart at 80% (z = 1.28: 0.181), tied at 90% (z = 1.64: 0.233).
    assert rank(applications, confidence=0.9)["tie_group"].tolist() == [1, 1]
    assert rank(applications, confidence=0.8)["tie_group"].tolist() == [1, 2]


# --- seeded simulation --------------------------------------------------------------------


def test_simulate_reviews_is_seeded_and_plants_what_it_says() -> None:
    first = simulate_reviews(300, 60, 3, seed=5)
    again = simulate_reviews(300, 60, 3, seed=5)
    other = simulate_reviews(300, 60, 3, seed=6)

    pd.testing.assert_frame_equal(first.reviews, again.reviews)
    assert not first.reviews["total"].equals(other.reviews["total"])
    assert len(first.reviews) == 900
    assert first.outlier.sum() == 27  # exactly 3%
    assert (first.reviews.groupby("application_id")["reviewer_id"].nunique() == 3).all()
    topic_of_reviewer = first.reviewer_topic.reindex(first.reviews["reviewer_id"]).to_numpy()
    topic_of_app = first.app_topic.reindex(first.reviews["application_id"]).to_numpy()
    assert (topic_of_reviewer == topic_of_app).mean() > 0.8  # assignment by topic


def test_calibration_beats_the_raw_mean_on_a_seeded_simulation_and_flags_most_outliers() -> None:
    sim = simulate_reviews(2_000, 400, 3, seed=2026)

    fit = fit_additive(sim.reviews)
    flags = flag_outliers(fit, threshold_sd=2.0)

    top20_raw = top_share_recovered(fit.applications["raw_mean"], sim.quality)
    top20_calibrated = top_share_recovered(fit.applications["score"], sim.quality)
    standardized = standardize(sim.reviews).groupby("application_id")["standardized"].mean()
    top20_standardized = top_share_recovered(standardized, sim.quality)
    recall = (flags & sim.outlier).sum() / sim.outlier.sum()
    flagged_share = flags.mean()
    assert top20_calibrated > top20_raw, (top20_calibrated, top20_raw)
    assert top20_calibrated > top20_standardized, (top20_calibrated, top20_standardized)  # topic assignment
    assert recall >= 0.6, recall
    assert flagged_share <= 0.10, flagged_share


def test_top_share_recovered_counts_the_overlap_of_the_best_fifth() -> None:
    truth = pd.Series([5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.5, 1.5, 2.5, 3.5])
    estimate = pd.Series([5.0, 0.0, 3.0, 2.0, 1.0, 4.0, 0.5, 1.5, 2.5, 3.5])

    assert top_share_recovered(estimate, truth, share=0.2) == 0.5  # best two: {0, 1} against {0, 5}
    assert top_share_recovered(truth, truth) == 1.0
