"""Reviewer assignment: exact optima against brute force and HiGHS, hard rules, diagnostics, fairness."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy import sparse
from scipy.optimize import linprog

from scoring import assignment
from scoring.assignment import AssignmentInfeasible, AssignmentResult, Mode, Shortfall, assign_reviewers, diagnose

# Affinities are multiples of 1/64: sums are exact in floating point, so objectives compare with ==.
GRID = 64
Best = tuple[Any, ...] | None  # brute-force optimum: (met, total) or (met, lowest, total)


def dyadic(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.integers(0, GRID + 1, shape) / GRID


def small_instance(seed: int, *, min_load: bool = False, preferred: bool = False) -> dict[str, Any]:
    """A random 4 x 4 instance (k = 2) that has at least one valid assignment, with its brute-force optima."""
    rng = np.random.default_rng(seed)
    while True:
        max_load = rng.integers(1, 4, 4)
        inputs: dict[str, Any] = {
            "affinity": dyadic(rng, (4, 4)),
            "k": 2,
            "max_load": max_load,
            "min_load": np.minimum(rng.integers(0, 2, 4), max_load) if min_load else None,
            "forbidden": rng.random((4, 4)) < 0.15,
            "preferred": rng.random((4, 4)) < 0.3 if preferred else None,
        }
        best_total, best_fair = brute_force(**inputs)
        if best_total is not None:
            return inputs | {"best_total": best_total, "best_fair": best_fair}


def brute_force(
    affinity: np.ndarray,
    k: int,
    max_load: np.ndarray,
    min_load: np.ndarray | None = None,
    forbidden: np.ndarray | None = None,
    preferred: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
) -> tuple[Best, Best]:
    """Best (requirements met, total) and (requirements met, lowest, total) over every assignment; None if none."""
    n, m = affinity.shape
    lowest_load = np.zeros(m, int) if min_load is None else min_load
    excluded = np.zeros((n, m), bool) if forbidden is None else forbidden
    kept = {(int(i), int(j)) for i, j in (fixed if fixed is not None else [])}
    choices = [
        [
            c
            for c in itertools.combinations(range(m), k)
            if not excluded[i, list(c)].any() and all(j in c for a, j in kept if a == i)
        ]
        for i in range(n)
    ]
    best_total: Best = None
    best_fair: Best = None
    for choice in itertools.product(*choices):
        load = np.bincount([j for c in choice for j in c], minlength=m)
        if (load > max_load).any() or (load < lowest_load).any():
            continue
        sums = [float(affinity[i, list(c)].sum()) for i, c in enumerate(choice)]
        met = (
            0
            if preferred is None
            else sum(preferred[i].any() and preferred[i, list(c)].any() for i, c in enumerate(choice))
        )
        lowest = min(sums, default=0.0) if k > 0 else 0.0
        if best_total is None or (met, sum(sums)) > best_total:
            best_total = (met, sum(sums))
        if best_fair is None or (met, lowest, sum(sums)) > best_fair:
            best_fair = (met, lowest, sum(sums))
    return best_total, best_fair


def assert_valid(
    result: AssignmentResult,
    k: int | np.ndarray,
    max_load: np.ndarray,
    min_load: np.ndarray | None = None,
    forbidden: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
) -> None:
    """Every hard rule holds: k distinct reviewers each, loads within bounds, no forbidden pair, fixed kept."""
    n = result.per_application.size
    pairs = result.pairs
    assert pairs.tolist() == sorted(pairs.tolist())
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)
    assert np.bincount(pairs[:, 0], minlength=n).tolist() == np.broadcast_to(k, (n,)).tolist()
    load = np.bincount(pairs[:, 1], minlength=len(max_load))
    assert (load <= max_load).all()
    if min_load is not None:
        assert (load >= min_load).all()
    if forbidden is not None:
        assert not forbidden[pairs[:, 0], pairs[:, 1]].any()
    if fixed is not None:
        assert {tuple(f) for f in np.asarray(fixed).tolist()} <= {tuple(p) for p in pairs.tolist()}


def met_count(result: AssignmentResult, preferred: np.ndarray) -> int:
    pairs = result.pairs
    wanting = np.asarray(preferred.any(axis=1))
    has = np.zeros(wanting.shape[0], dtype=np.bool_)
    has[pairs[preferred[pairs[:, 0], pairs[:, 1]], 0]] = True
    return int((wanting & has).sum())


def lp_total(affinity: np.ndarray, k: npt.ArrayLike, max_load: np.ndarray, forbidden: np.ndarray) -> float:
    """HiGHS optimum of the LP relaxation; the assignment polytope is integral, so it is the optimum."""
    n, m = affinity.shape
    ii, jj = np.nonzero(~forbidden)
    col = np.arange(ii.size)
    a_eq = sparse.csr_matrix((np.ones(ii.size), (ii, col)), shape=(n, ii.size))
    a_ub = sparse.csr_matrix((np.ones(ii.size), (jj, col)), shape=(m, ii.size))
    res = linprog(-affinity[ii, jj], A_ub=a_ub, b_ub=max_load, A_eq=a_eq, b_eq=k, bounds=(0, 1), method="highs")
    return float(-res.fun)


# --- total mode ---------------------------------------------------------------------------------------------


def test_total_small_instance_matches_hand_optimum() -> None:
    # Reviewer 0 is everyone's favourite but takes only 2; the third application must do without.
    affinity = np.array([[1.0, 0.5, 0.25, 0.0], [1.0, 0.0, 0.5, 0.25], [1.0, 0.25, 0.0, 0.5], [0.0, 0.5, 0.5, 0.5]])
    max_load = np.array([2, 2, 2, 2])

    result = assign_reviewers(affinity, 2, max_load)

    assert_valid(result, 2, max_load)
    assert result.objective == 1.5 + 1.5 + 0.75 + 1.0
    assert result.mode == "total"
    assert result.bound == pytest.approx(result.objective, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_total_matches_brute_force_on_random_4x4(seed: int) -> None:
    case = small_instance(seed, min_load=True)

    result = assign_reviewers(case["affinity"], 2, case["max_load"], case["min_load"], case["forbidden"])

    assert_valid(result, 2, case["max_load"], case["min_load"], case["forbidden"])
    assert result.objective == case["best_total"][1]


def test_total_keeps_fixed_pairs() -> None:
    rng = np.random.default_rng(3)
    affinity = dyadic(rng, (4, 4))
    fixed = np.array([[0, 3], [2, 1]])
    affinity[0, 3] = affinity[2, 1] = 0.0  # pairs the optimizer would never pick on its own
    max_load = np.array([2, 2, 2, 2])
    best, _ = brute_force(affinity, 2, max_load, fixed=fixed)

    result = assign_reviewers(affinity, 2, max_load, fixed=fixed)

    assert_valid(result, 2, max_load, fixed=fixed)
    assert best is not None
    assert result.objective == best[1]


def test_total_meets_min_load_of_a_weak_reviewer() -> None:
    affinity = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    max_load = np.array([3, 3, 3])
    min_load = np.array([0, 0, 2])

    result = assign_reviewers(affinity, 2, max_load, min_load)

    assert_valid(result, 2, max_load, min_load)
    assert result.objective == 4.0


def test_total_matches_lp_on_random_30x12() -> None:
    rng = np.random.default_rng(12)
    affinity = rng.random((30, 12))
    forbidden = rng.random((30, 12)) < 0.25
    k = rng.integers(1, 4, 30)
    max_load = np.full(12, 7)

    result = assign_reviewers(affinity, k, max_load, forbidden=forbidden)

    assert_valid(result, k, max_load, forbidden=forbidden)
    assert result.objective == pytest.approx(lp_total(affinity, k, max_load, forbidden), abs=1e-6)
    assert result.objective <= (result.bound or 0.0) + 1e-9


def test_total_column_generation_matches_lp_when_candidates_are_too_few(monkeypatch: pytest.MonkeyPatch) -> None:
    # Everyone ranks reviewers alike, and the favourites fill up: some optimal pairs lie outside each top-4.
    rng = np.random.default_rng(0)
    popularity = rng.random(60)
    affinity = 0.7 * popularity[None, :] + 0.3 * rng.random((150, 60))
    forbidden = rng.random((150, 60)) < 0.2
    max_load = np.full(60, 9)
    added: list[int] = []
    price, candidates = assignment._price, assignment._initial_candidates

    def counting_price(*args: Any) -> int:
        added.append(price(*args))
        return added[-1]

    monkeypatch.setattr(assignment, "_price", counting_price)
    # Start from 4 candidates per application instead of 16 (widening on infeasibility is unchanged).
    monkeypatch.setattr(assignment, "_initial_candidates", lambda p, width: candidates(p, 4 if width == 16 else width))

    result = assign_reviewers(affinity, 3, max_load, forbidden=forbidden)

    assert_valid(result, 3, max_load, forbidden=forbidden)
    assert sum(added) > 0
    assert result.objective == pytest.approx(lp_total(affinity, np.full(150, 3), max_load, forbidden), abs=1e-6)
    assert result.bound == pytest.approx(result.objective, abs=450 * 1e-6)


# --- preferred reviewers (Indigenous expertise) --------------------------------------------------------------


def test_preferred_met_when_capacity_allows_even_at_lower_total() -> None:
    affinity = np.array([[1.0, 1.0, 0.25], [1.0, 1.0, 0.25]])
    preferred = np.array([[False, False, True], [False, False, False]])

    result = assign_reviewers(affinity, 2, np.array([2, 2, 2]), preferred=preferred)

    assert result.preferred_met.tolist() == [True, True]
    assert [0, 2] in result.pairs.tolist()
    assert result.objective == 1.25 + 2.0


def test_preferred_unmet_when_preferred_reviewers_are_full_or_forbidden() -> None:
    affinity = np.full((3, 3), 0.5)
    preferred = np.array([[False, False, True], [False, False, True], [False, True, False]])
    forbidden = np.array([[False, False, False], [False, False, False], [False, True, False]])

    result = assign_reviewers(affinity, 1, np.array([3, 3, 1]), forbidden=forbidden, preferred=preferred)

    assert_valid(result, 1, np.array([3, 3, 1]), forbidden=forbidden)
    assert sorted(result.preferred_met.tolist()) == [False, False, True]
    assert not result.preferred_met[2]


@pytest.mark.parametrize("seed", range(100, 108))
def test_preferred_maximizes_met_count_then_total(seed: int) -> None:
    case = small_instance(seed, preferred=True)
    preferred = case["preferred"]

    result = assign_reviewers(case["affinity"], 2, case["max_load"], forbidden=case["forbidden"], preferred=preferred)

    assert_valid(result, 2, case["max_load"], forbidden=case["forbidden"])
    assert (met_count(result, preferred), result.objective) == case["best_total"]


# --- infeasibility -------------------------------------------------------------------------------------------


def test_diagnose_reports_group_capacity_of_french_reviewers() -> None:
    # 3 French applications need 2 reviews each; the two French-reading reviewers have 2 places each.
    is_french = np.array([True, True, True, False, False])
    reads_french = np.array([True, True, False, False, False])
    forbidden = is_french[:, None] & ~reads_french[None, :]

    shortfalls = diagnose(5, 2, np.array([2, 2, 4, 4, 4]), forbidden, groups={"fr": is_french, "en": ~is_french})

    assert shortfalls == [Shortfall("group_capacity", 3, 6, 4, {"group": "fr", "reviewers": 2})]


def test_diagnose_reports_total_capacity_and_applications_short_of_candidates() -> None:
    forbidden = np.array([[False, True, True], [False, False, False], [True, True, True]])

    shortfalls = diagnose(3, 2, np.array([1, 1, 1]), forbidden)

    assert shortfalls == [
        Shortfall("total_capacity", 3, 6, 3),
        Shortfall("too_few_candidates", 2, 4, 1, {"applications": [0, 2], "candidates": [1, 0]}),
    ]


def test_diagnose_counts_places_left_after_fixed_pairs() -> None:
    # Reviewer 0 is full with the two fixed pairs; each application still needs one review.
    shortfalls = diagnose(2, 2, np.array([2, 1]), fixed=np.array([[0, 0], [1, 0]]))

    assert shortfalls == [Shortfall("total_capacity", 2, 2, 1)]


def test_diagnose_reports_minimum_loads_that_cannot_be_reached() -> None:
    forbidden = np.array([[False, True], [False, True], [False, False]])

    shortfalls = diagnose(3, 1, np.array([3, 3]), forbidden, min_load=np.array([0, 2]))

    assert shortfalls == [Shortfall("reviewer_minimum", 1, 2, 1, {"reviewers": [1]})]


def test_assign_reviewers_raises_diagnosed_shortfalls() -> None:
    is_french = np.array([True, True, True, False])
    forbidden = is_french[:, None] & np.array([False, False, True, True])[None, :]

    with pytest.raises(AssignmentInfeasible) as caught:
        assign_reviewers(np.full((4, 4), 0.5), 2, np.array([2, 2, 3, 3]), forbidden=forbidden, groups={"fr": is_french})

    assert caught.value.shortfalls == [Shortfall("group_capacity", 3, 6, 4, {"group": "fr", "reviewers": 2})]
    assert "group_capacity" in caught.value.en and "évaluations" in caught.value.fr


def test_assign_reviewers_raises_generic_infeasible_when_checks_pass() -> None:
    # Applications 0 and 1 can only take reviewer 0, who has one place: no check above sees it.
    forbidden = np.array([[False, True, True], [False, True, True], [False, False, False]])

    with pytest.raises(AssignmentInfeasible) as caught:
        assign_reviewers(np.full((3, 3), 0.5), 1, np.array([1, 1, 1]), forbidden=forbidden)

    assert caught.value.shortfalls == [Shortfall("infeasible", 3, 3, 3)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"affinity": np.full((2, 2), 1.5)}, "within"),
        ({"min_load": np.array([3, 0])}, "min_load"),
        ({"fixed": np.array([[0, 1]]), "forbidden": np.array([[False, True], [False, False]])}, "forbidden"),
        ({"fixed": np.array([[0, 1], [0, 1]])}, "repeat"),
        ({"k": np.array([1, 1, 1])}, "shape"),
    ],
)
def test_assign_reviewers_rejects_malformed_input(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"affinity": np.full((2, 2), 0.5), "k": 1, "max_load": np.array([2, 2])} | kwargs

    with pytest.raises(ValueError, match=message):
        assign_reviewers(**args)


# --- fairness mode -------------------------------------------------------------------------------------------


def test_fairness_reaches_lp_bound_where_total_mode_sacrifices_one_application() -> None:
    # Total mode gives reviewer 0 to applications 0 and 1 (worth 2 x 1.0); application 2 then gets 0.25.
    affinity = np.array([[1.0, 0.5, 0.0], [1.0, 0.5, 0.0], [0.5, 0.0, 0.25]])
    max_load = np.array([2, 1, 3])
    total = assign_reviewers(affinity, 1, max_load)

    fair = assign_reviewers(affinity, 1, max_load, mode="fairness")

    assert_valid(fair, 1, max_load)
    assert total.lowest == 0.25
    assert fair.lowest == 0.5
    assert fair.bound == pytest.approx(0.5, abs=1e-9)
    assert fair.objective == 2.0
    assert fair.mode == "fairness"


@pytest.mark.parametrize("seed", range(200, 210))
def test_fairness_matches_brute_force_on_random_4x4(seed: int) -> None:
    case = small_instance(seed, min_load=seed % 3 == 0, preferred=seed % 2 == 1)
    inputs: dict[str, Any] = {
        name: case[name] for name in ("affinity", "k", "max_load", "min_load", "forbidden", "preferred")
    }

    result = assign_reviewers(**inputs, mode="fairness")

    assert_valid(result, 2, case["max_load"], case["min_load"], case["forbidden"])
    met = 0 if case["preferred"] is None else met_count(result, case["preferred"])
    assert (met, result.lowest, result.objective) == case["best_fair"]
    assert result.lowest <= (result.bound or 0.0) + 1e-9


def test_fairness_never_below_total_modes_lowest() -> None:
    rng = np.random.default_rng(7)
    topic_app, topic_rev = rng.integers(0, 3, 60), rng.choice(3, 15, p=[0.6, 0.3, 0.1])
    affinity = 0.6 * (topic_app[:, None] == topic_rev[None, :]) + 0.4 * rng.random((60, 15))
    max_load = np.full(15, 13)
    total = assign_reviewers(affinity, 3, max_load)

    fair = assign_reviewers(affinity, 3, max_load, mode="fairness")

    assert_valid(fair, 3, max_load)
    assert fair.lowest >= total.lowest
    assert fair.lowest <= (fair.bound or 0.0) + 1e-9
    assert fair.objective <= total.objective


# --- determinism ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["total", "fairness"])
def test_assign_reviewers_same_input_same_pairs(mode: Mode) -> None:
    rng = np.random.default_rng(5)
    affinity = np.round(rng.random((40, 12)), 2)  # many ties
    preferred = (rng.random(40) < 0.3)[:, None] & (rng.random(12) < 0.3)[None, :]

    first = assign_reviewers(affinity, 2, np.full(12, 8), preferred=preferred, mode=mode)
    second = assign_reviewers(affinity.copy(), 2, np.full(12, 8), preferred=preferred.copy(), mode=mode)

    assert first.pairs.tolist() == second.pairs.tolist()
    assert first.objective == second.objective
