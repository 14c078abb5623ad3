"""Review totals, reviewer calibration, moderation flags and ranking: plain frames in and out.

The default calibration is an additive model fitted by least squares (the approach NeurIPS
has used for years): ``total = quality[application] + offset[reviewer] + noise``, with a
ridge penalty ``shrinkage * sum(offset ** 2)`` pulling each reviewer's leniency toward 0.
The penalty makes the model identifiable: within each connected group of reviewers the
offsets average exactly 0, so quality stays on the 0-5 scale.

How it is solved. With ``X`` the 0/1 design (one column per application, then one per
reviewer) and ``P`` the penalty (0 on applications, ``shrinkage`` on reviewers), the
normal equations are ``M [q; b] = X'y`` with ``M = X'X + P``, built with ``scipy.sparse``.
The application block of ``M`` is diagonal (review counts), so it is eliminated exactly,
leaving the reviewers x reviewers Schur complement ``S = diag(n_r + shrinkage) -
B' diag(1/n_a) B`` (``B`` = which reviewer read which application), positive definite for
any ``shrinkage > 0``; it is solved directly by Cholesky. Then ``q_a = raw mean of a - mean
offset of a's reviewers``. ``S``'s inverse gives the exact entries of ``M^-1`` needed below
(cost grows as reviewers cubed: fine for pools of a few thousand reviewers).

Standard errors. ``sigma^2 = RSS / (n - dof)``, ``dof = trace(X M^-1 X')`` (the ridge's
effective degrees of freedom), and ``se_a = sigma * sqrt((M^-1)_aa)`` with
``(M^-1)_aa = 1/n_a + (c_a' S^-1 c_a) / n_a^2`` (``c_a`` = a's reviewers): the posterior SD
of quality when offsets are a priori ``N(0, sigma^2 / shrinkage)``. It is ``sigma /
sqrt(n_a)`` plus what is still unknown about the reviewers' offsets.

Standardized residual of a review: ``residual / (sigma * sqrt(1 - h))``, ``h = x' M^-1 x``
its ridge leverage; ``NaN`` when undefined (e.g. the only review of an application).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats

SCALE_MAX = 5.0
# Spreads are compared after rounding, so float noise (11/3 - 5/3 = 1.9999999999999998)
# cannot move a spread across its threshold.
SPREAD_DECIMALS = 9
REVIEW_COLUMNS = ("application_id", "reviewer_id", "total")


# --- weighted totals ----------------------------------------------------------------------


def weighted_totals(scores: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Per review, sum(w*s)/sum(w) over the scored criteria; "not applicable" (NaN) is left out, never 0.

    ``scores``: one row per review, one column per criterion in ``weights``; a review with
    no scored criterion gets NaN.
    """
    codes = list(weights)
    missing = sorted(set(codes) - set(scores.columns))
    extra = sorted(set(scores.columns) - set(codes))
    if missing or extra:
        raise ValueError(f"criteria do not match the rubric: missing {missing}, unknown {extra}")
    w = np.array([weights[c] for c in codes], dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
        raise ValueError("criterion weights must be non-negative, finite, and not all 0")
    values = scores[codes].to_numpy(dtype=float, na_value=np.nan)
    scored = ~np.isnan(values)
    if np.any((values[scored] < 0) | (values[scored] > SCALE_MAX)):
        raise ValueError("criterion scores must be between 0 and 5")
    numerator = np.where(scored, values, 0.0) @ w
    denominator = scored @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(denominator > 0, numerator / denominator, np.nan)
    return pd.Series(total, index=scores.index, name="total")


# --- calibration --------------------------------------------------------------------------


@dataclass(frozen=True)
class AdditiveFit:
    """Result of :func:`fit_additive`.

    ``applications`` (index application_id): score, se, n_reviews, raw_mean.
    ``reviewers`` (index reviewer_id): offset (positive = lenient), n_reviews.
    ``reviews`` (the input's index): application_id, reviewer_id, total, fitted, residual, std_residual.
    """

    applications: pd.DataFrame
    reviewers: pd.DataFrame
    reviews: pd.DataFrame
    sigma: float
    dof: float
    shrinkage: float


def _check_reviews(reviews: pd.DataFrame) -> pd.Series:
    missing = [c for c in REVIEW_COLUMNS if c not in reviews.columns]
    if missing:
        raise ValueError(f"reviews need the columns {list(REVIEW_COLUMNS)}; missing {missing}")
    total = reviews["total"].astype(float)
    if ((total < 0) | (total > SCALE_MAX)).any():
        raise ValueError("review totals must be between 0 and 5")
    scored = total.notna()
    if reviews.loc[scored, ["application_id", "reviewer_id"]].duplicated().any():
        raise ValueError("a reviewer has more than one scored review of the same application")
    return scored


def fit_additive(reviews: pd.DataFrame, *, shrinkage: float = 1.0) -> AdditiveFit:
    """Fit total = quality + reviewer offset + noise, ridge ``shrinkage`` on the offsets (module docstring).

    Reviews with a NaN total are kept in the output but not fitted; an application or
    reviewer without a scored review gets NaN estimates and ``n_reviews`` 0.
    """
    if not shrinkage > 0:
        raise ValueError("shrinkage must be > 0 (it is what makes the model identifiable)")
    is_scored = _check_reviews(reviews)
    scored = reviews.loc[is_scored]
    app, app_ids = pd.factorize(scored["application_id"], sort=True)
    rev, rev_ids = pd.factorize(scored["reviewer_id"], sort=True)
    y = scored["total"].to_numpy(dtype=float)
    n, n_apps, n_revs = len(y), len(app_ids), len(rev_ids)

    n_app = np.bincount(app, minlength=n_apps).astype(float)
    n_rev = np.bincount(rev, minlength=n_revs).astype(float)
    raw_mean = np.bincount(app, y, n_apps) / n_app if n else np.zeros(0)
    rows, ones = np.arange(n), np.ones(n)
    to_app = sparse.csr_array((ones, (rows, app)), shape=(n, n_apps))
    to_rev = sparse.csr_array((ones, (rows, rev)), shape=(n, n_revs))
    read = (to_app.T @ to_rev).tocsr()  # B: application x reviewer, 1 where the reviewer read it
    schur = sparse.diags_array(n_rev + shrinkage) - read.T @ sparse.diags_array(1.0 / n_app) @ read
    factor = linalg.cho_factor(schur.toarray())
    offset = linalg.cho_solve(factor, np.bincount(rev, y - raw_mean[app], n_revs))
    score = raw_mean - (read @ offset) / n_app
    fitted = score[app] + offset[rev]
    residual = y - fitted

    # Entries of M^-1 from S^-1, over pairs of reviews of the same application (i == j included).
    s_inv = linalg.cho_solve(factor, np.eye(n_revs))
    pairs = (to_app @ to_app.T).tocoo()
    pair_inv = s_inv[rev[pairs.row], rev[pairs.col]]
    var_score = 1.0 / n_app + np.bincount(app[pairs.row], pair_inv, n_apps) / n_app**2  # (M^-1)_aa
    cross = np.bincount(pairs.row, pair_inv, n) / n_app[app]  # -(M^-1)_ar
    leverage = var_score[app] - 2.0 * cross + np.diag(s_inv)[rev]
    dof = float(leverage.sum())
    sigma = float(np.sqrt(residual @ residual / (n - dof))) if n - dof > 1e-9 else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = sigma * np.sqrt(np.clip(1.0 - leverage, 0.0, None))
        std_residual = np.where(spread > 1e-12, residual / spread, np.nan)

    all_apps = pd.Index(pd.unique(reviews["application_id"])).sort_values()
    all_revs = pd.Index(pd.unique(reviews["reviewer_id"])).sort_values()
    applications = pd.DataFrame(
        {"score": score, "se": sigma * np.sqrt(var_score), "n_reviews": n_app.astype(int), "raw_mean": raw_mean},
        index=pd.Index(app_ids, name="application_id"),
    ).reindex(all_apps.rename("application_id"))
    applications["n_reviews"] = applications["n_reviews"].fillna(0).astype(int)
    reviewers = pd.DataFrame(
        {"offset": offset, "n_reviews": n_rev.astype(int)}, index=pd.Index(rev_ids, name="reviewer_id")
    ).reindex(all_revs.rename("reviewer_id"))
    reviewers["n_reviews"] = reviewers["n_reviews"].fillna(0).astype(int)
    per_review = reviews[list(REVIEW_COLUMNS)].copy()
    per_review["total"] = per_review["total"].astype(float)
    for name, values in (("fitted", fitted), ("residual", residual), ("std_residual", std_residual)):
        per_review[name] = pd.Series(values, index=scored.index).reindex(reviews.index)
    return AdditiveFit(applications, reviewers, per_review, sigma, dof, shrinkage)


def standardize(reviews: pd.DataFrame) -> pd.DataFrame:
    """Per-reviewer z-scores mapped back to the global mean and SD (column ``standardized``); not the default.

    Means and SDs are population ones (ddof=0) over scored totals. A reviewer whose totals
    do not vary (one review included) gets the global mean. Known to hurt when reviewers are
    assigned by topic: a reviewer who only reads strong proposals is pulled down to the mean.
    """
    _check_reviews(reviews)
    out = reviews[list(REVIEW_COLUMNS)].copy()
    total = out["total"].astype(float)
    by_reviewer = total.groupby(out["reviewer_id"])
    mean = by_reviewer.transform("mean")
    sd = by_reviewer.transform("std", ddof=0)
    z = ((total - mean) / sd.where(sd > 0)).where(sd > 0, 0.0).where(total.notna())
    out["total"] = total
    out["standardized"] = total.mean() + total.std(ddof=0) * z
    return out


# --- flags --------------------------------------------------------------------------------


def flag_outliers(fit: AdditiveFit, threshold_sd: float = 2.0) -> pd.Series:
    """Per review: |standardized residual| strictly above ``threshold_sd`` (exactly at it does not fire)."""
    flagged = fit.reviews["std_residual"].abs() > threshold_sd  # NaN compares False: not flagged
    return flagged.rename("outlier")


def flag_disagreement(scores_long: pd.DataFrame, *, criterion_spread: int, total_spread: float) -> pd.DataFrame:
    """Per application: flag when a criterion's spread or the totals' spread reaches its threshold (>=).

    ``scores_long``: one row per review and criterion with ``application_id, reviewer_id,
    criterion, score, total`` (``total`` = the review's weighted total). Spread = max - min
    across the application's reviewers, NaN (not applicable) left out. A threshold is the
    smallest spread that needs a human, so reaching it fires: with 3, a 2 against a 5 is
    flagged. Returns ``criterion_spread`` (widest), ``criterion`` (which one, first by name
    on a tie), ``total_spread``, ``criterion_flag``, ``total_flag`` and ``flagged``.
    """
    needed = ["application_id", "reviewer_id", "criterion", "score", "total"]
    missing = [c for c in needed if c not in scores_long.columns]
    if missing:
        raise ValueError(f"scores_long needs the columns {needed}; missing {missing}")
    frame = scores_long[needed].astype({"score": float, "total": float})
    by_criterion = frame.groupby(["application_id", "criterion"], sort=True)["score"].agg(["max", "min"])
    spreads = (by_criterion["max"] - by_criterion["min"]).dropna().rename("spread").reset_index()
    widest = spreads.sort_values(["application_id", "spread", "criterion"], ascending=[True, False, True])
    widest = widest.drop_duplicates("application_id").set_index("application_id")
    totals = frame.drop_duplicates(["application_id", "reviewer_id"]).groupby("application_id")["total"]
    out = pd.DataFrame(index=pd.Index(pd.unique(frame["application_id"]), name="application_id").sort_values())
    out["criterion_spread"] = widest["spread"].round(SPREAD_DECIMALS)
    out["criterion"] = widest["criterion"]
    out["total_spread"] = (totals.max() - totals.min()).round(SPREAD_DECIMALS)
    out["criterion_flag"] = out["criterion_spread"] >= criterion_spread
    out["total_flag"] = out["total_spread"] >= total_spread
    out["flagged"] = out["criterion_flag"] | out["total_flag"]
    return out


# --- ranking ------------------------------------------------------------------------------


def rank(applications: pd.DataFrame, *, confidence: float = 0.9) -> pd.DataFrame:
    """Rank each stream (1 = best) with score intervals and near-tie groups.

    ``applications``: application_id, stream, score, se, optionally ``moderated`` (a non-NaN
    moderated score replaces the calibrated one, with the same se). Interval = ranked_score
    +/- z*se, z the two-sided normal quantile for ``confidence``. Ties in score are broken by
    application_id. Applications that cannot be told apart from the best-ranked member of
    their group (difference within z * the combined standard error) share a ``tie_group``
    (numbered 1, 2, ... per stream, singletons included). Applications with no score are
    listed last with no rank or group.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be strictly between 0 and 1")
    missing = [c for c in ("application_id", "stream", "score", "se") if c not in applications.columns]
    if missing:
        raise ValueError(f"applications need application_id, stream, score and se; missing {missing}")
    out = applications.copy()
    ranked_score = out["score"].astype(float)
    if "moderated" in out.columns:
        ranked_score = out["moderated"].astype(float).fillna(ranked_score)
    out["ranked_score"] = ranked_score
    se = out["se"].astype(float)
    has_score = ranked_score.notna()
    if (se[has_score].isna() | (se[has_score] < 0)).any():
        raise ValueError("every scored application needs a standard error >= 0")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    out["low"] = ranked_score - z * se
    out["high"] = ranked_score + z * se
    out = out.assign(_unscored=~has_score).sort_values(
        ["stream", "_unscored", "ranked_score", "application_id"], ascending=[True, True, False, True]
    )
    scored = ~out["_unscored"]
    stream = out["stream"]
    out["rank"] = scored.astype(int).groupby(stream).cumsum().where(scored).astype("Int64")
    out["tie_group"] = pd.array(
        _tie_groups(stream.to_numpy(), out["ranked_score"].to_numpy(float), se.reindex(out.index).to_numpy(float),
                    scored.to_numpy(), z),
        dtype="Int64",
    )  # fmt: skip
    return out.drop(columns="_unscored").reset_index(drop=True)


def _tie_groups(
    streams: np.ndarray, scores: np.ndarray, ses: np.ndarray, scored: np.ndarray, z: float
) -> list[int | None]:
    """Near-tie groups in rank order, each anchored on its best-ranked member.

    An application joins the current group while its score cannot be told apart from the
    anchor's at the confidence level: anchor - score <= z * sqrt(se_anchor^2 + se^2).
    Anchoring (rather than chaining neighbours) keeps a long run of close scores from
    collapsing into a single group.
    """
    groups: list[int | None] = []
    previous_stream = None
    group = 0
    anchor = 0
    for i in range(len(scores)):
        if not scored[i]:
            groups.append(None)
            continue
        if streams[i] != previous_stream:
            previous_stream, group, anchor = streams[i], 1, i
        elif scores[anchor] - scores[i] > z * float(np.hypot(ses[anchor], ses[i])):
            group, anchor = group + 1, i
        groups.append(group)
    return groups


# --- simulation ---------------------------------------------------------------------------

# The sample call's rubric (grants/data/csf-2026.toml): criterion code -> weight.
SIMULATED_RUBRIC: dict[str, float] = {
    "need_alignment": 20,
    "survivor_centred": 20,
    "cultural_accessibility": 15,
    "capacity_partnerships": 15,
    "budget_value": 15,
    "evaluation_outcomes": 15,
}


@dataclass(frozen=True)
class Simulation:
    """Simulated reviews and the truth behind them.

    ``reviews`` (index review_id): application_id, reviewer_id, total. ``scores``: the
    criterion scores behind each total (same index). ``quality``/``app_topic`` by
    application_id, ``offset``/``reviewer_topic`` by reviewer_id, ``outlier`` by review_id.
    """

    reviews: pd.DataFrame
    scores: pd.DataFrame
    quality: pd.Series
    offset: pd.Series
    outlier: pd.Series
    app_topic: pd.Series
    reviewer_topic: pd.Series


def simulate_reviews(
    n_apps: int,
    n_reviewers: int,
    k: int,
    *,
    seed: int,
    offset_sd: float = 0.5,
    noise_sd: float = 0.4,
    outlier_share: float = 0.03,
    topics: int = 5,
    topic_sd: float = 0.4,
    quality_sd: float = 0.6,
    cross_topic_share: float = 0.1,
    criterion_sd: float = 0.5,
    not_applicable_share: float = 0.02,
    outlier_shift: tuple[float, float] = (1.5, 3.0),
    rubric: Mapping[str, float] = SIMULATED_RUBRIC,
) -> Simulation:
    """Seeded reviews with planted quality, reviewer offsets, outliers and topic-based assignment.

    Quality = 2.8 + topic level (SD ``topic_sd``) + own (SD ``quality_sd``). Reviewers belong
    to one topic and fill each review slot from their own topic, except a
    ``cross_topic_share`` of slots filled from another topic: a reviewer's mean score so
    reflects the topic's level (apparent leniency correlates with topic), which is where
    per-reviewer standardization hurts. An honest review's latent total is quality + offset +
    N(0, ``noise_sd``); an outlier (exactly ``outlier_share`` of reviews) is moved
    ``outlier_shift`` points toward the far end of the scale. Each criterion is that latent
    total + N(0, ``criterion_sd``), rounded and clipped to 0-5 (a few "not applicable"), and
    the review's total is their weighted total.
    """
    if topics < 1 or n_reviewers < topics * k or k < 1:
        raise ValueError("need at least k reviewers per topic")
    rng = np.random.default_rng(seed)
    reviewer_topic = np.arange(n_reviewers) % topics
    app_topic = rng.integers(topics, size=n_apps)
    quality = 2.8 + rng.normal(0, topic_sd, topics)[app_topic] + rng.normal(0, quality_sd, n_apps)
    offset = rng.normal(0, offset_sd, n_reviewers)

    panel = np.empty((n_apps, k), dtype=np.int64)
    for topic in range(topics):
        apps = np.flatnonzero(app_topic == topic)
        own = np.flatnonzero(reviewer_topic == topic)
        others = np.flatnonzero(reviewer_topic != topic)
        keys = rng.random((len(apps), len(own)))
        picks = own[np.argpartition(keys, k - 1, axis=1)[:, :k]]
        if len(others):
            cross = rng.random(picks.shape) < cross_topic_share
            picks[cross] = rng.choice(others, size=int(cross.sum()))
            while True:  # two cross-topic slots may draw the same reviewer: draw those again
                ordered = np.sort(picks, axis=1)
                clash = np.zeros_like(cross)
                clash[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
                rows = np.flatnonzero(clash.any(axis=1))
                if not len(rows):
                    break
                for row in rows:
                    slot = np.flatnonzero(cross[row])[0]
                    picks[row, slot] = rng.choice(others)
        panel[apps] = picks

    app_of = np.repeat(np.arange(n_apps), k)
    reviewer_of = panel.ravel()
    n = len(app_of)
    latent = quality[app_of] + offset[reviewer_of] + rng.normal(0, noise_sd, n)
    outlier = np.zeros(n, dtype=bool)
    outlier[rng.choice(n, size=round(outlier_share * n), replace=False)] = True
    toward = np.where(latent < SCALE_MAX / 2, 1.0, -1.0)
    latent = np.where(outlier, latent + toward * rng.uniform(*outlier_shift, n), latent)
    codes = list(rubric)
    raw = latent[:, None] + rng.normal(0, criterion_sd, (n, len(codes)))
    values = np.clip(np.round(raw), 0, SCALE_MAX)
    values[rng.random(values.shape) < not_applicable_share] = np.nan
    review_index = pd.RangeIndex(n, name="review_id")
    scores = pd.DataFrame(values, index=review_index, columns=codes)
    reviews = pd.DataFrame(
        {"application_id": app_of, "reviewer_id": reviewer_of, "total": weighted_totals(scores, rubric)},
        index=review_index,
    )
    return Simulation(
        reviews=reviews,
        scores=scores,
        quality=pd.Series(quality, index=pd.RangeIndex(n_apps, name="application_id"), name="quality"),
        offset=pd.Series(offset, index=pd.RangeIndex(n_reviewers, name="reviewer_id"), name="offset"),
        outlier=pd.Series(outlier, index=review_index, name="outlier"),
        app_topic=pd.Series(app_topic, index=pd.RangeIndex(n_apps, name="application_id"), name="topic"),
        reviewer_topic=pd.Series(reviewer_topic, index=pd.RangeIndex(n_reviewers, name="reviewer_id"), name="topic"),
    )


def top_share_recovered(estimate: pd.Series, truth: pd.Series, share: float = 0.2) -> float:
    """Share of the truly best ``share`` of applications that the estimate also puts in its best ``share``."""
    size = round(share * len(truth))
    if size == 0:
        return float("nan")

    def best(values: pd.Series) -> set[object]:
        order = np.lexsort((values.index.to_numpy(), -values.to_numpy(dtype=float)))  # NaN last
        return set(values.index[order[:size]])

    return len(best(estimate.reindex(truth.index)) & best(truth)) / size
