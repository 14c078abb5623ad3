"""Reviewer assignment: give each application k reviewers, for the best total affinity or worst-served first.

Pure and deterministic (numpy, scipy's HiGHS, OR-Tools), plain arrays in and out. ``assign_reviewers`` is
the entry point; ``diagnose`` says why no assignment exists.

Total mode is exact. It is a min-cost flow: source -> reviewer (capacity max_load; min_load by the
lower-bound transformation, the reviewer node supplying it) -> application (one arc per allowed pair,
capacity 1, cost -round(affinity * SCALE)) -> demand k. An application that wants a preferred reviewer
takes its preferred arcs through a node B_i joined to it by a 1-unit arc of cost -BIG and a (k-1)-unit arc
of cost 0: the constraints stay a network (integral flows), and BIG exceeds the affinity change along any
residual cycle, so the number of met requirements is maximized first, exactly (see ``_bonus``).

Guarantee: among valid assignments that meet the most requirements, the result has the largest sum of
affinities rounded to the 1e-6 grid (``SCALE``); its unrounded total is therefore within 1e-6 per review
of the unrounded optimum, and ``bound`` (an LP dual certificate on the unrounded matrix) shows the gap.

Large pools are solved on a sparse candidate set (each application's best reviewers) and proved optimal
on the full matrix by column generation: Bellman-Ford distances in the residual graph of the sparse
optimum are node potentials; every other allowed pair is priced with them in one numpy pass; pairs with
a negative reduced cost join the candidates and the flow is solved again. When none is left the
potentials are feasible for the full network, which proves the flow optimal there. 10,000 applications
x 1,000 reviewers (k = 3): about 1.5 s and 0.5 GiB. Costs are int64: BIG * (nodes + 1) is checked before
solving, and OR-Tools reports (OverflowError here) rather than overflows its potentials.

Fairness mode (largest lowest per-application total, then the largest total) is NP-hard for k >= 2,
so it is near-exact: exchange-path local search from the total optimum, CP-SAT polishing on small
instances (up to 20,000 allowed pairs, a few seconds per phase), and ``bound`` reports the best proven
upper bound on ``lowest`` (each application's own best, the LP relaxation, CP-SAT) so the gap is visible.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model
from scipy import sparse
from scipy.optimize import linprog

Mode = Literal["total", "fairness"]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

SCALE = 1_000_000  # affinities are optimized on this integer grid (1e-6)
_INT64_MAX = np.iinfo(np.int64).max
_CHUNK = 2_000_000  # matrix cells handled at once when scanning the full matrix
_LP_BOUND_PAIRS = 20_000  # fairness: HiGHS LP bound up to this many allowed pairs
_CPSAT_PAIRS = 20_000  # fairness: CP-SAT polishing up to this many allowed pairs
_CPSAT_EFFORT = 5.0  # CP-SAT deterministic time per phase (roughly seconds on one core)
_FIXING_ROUNDS = 10


@dataclass(frozen=True)
class Shortfall:
    """One reason why no valid assignment exists, in numbers a caller can word in French or English.

    ``applications`` applications still need ``reviews_needed`` reviews; the reviewers who may take them have
    ``places_left`` places. ``kind`` says which check failed; ``detail`` holds indices (see ``diagnose``).
    """

    kind: str
    applications: int
    reviews_needed: int
    places_left: int
    detail: dict[str, object] = field(default_factory=dict)


class AssignmentInfeasible(Exception):
    """No assignment meets every hard rule; ``shortfalls`` says why, most general reason first."""

    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = list(shortfalls)
        reasons = "; ".join(
            f"{s.kind}: {s.applications} applications need {s.reviews_needed} reviews, {s.places_left} places left"
            for s in self.shortfalls
        )
        raisons = "; ".join(
            f"{s.kind} : {s.applications} demandes exigent {s.reviews_needed} évaluations, "
            f"il reste {s.places_left} places"
            for s in self.shortfalls
        )
        self.en = f"no valid reviewer assignment ({reasons})"
        self.fr = f"aucune affectation valide des évaluateurs ({raisons})"
        super().__init__(f"{self.en} / {self.fr}")


@dataclass(frozen=True)
class AssignmentResult:
    """An assignment and how good it is (affinities as given, not rounded).

    ``pairs``: (application, reviewer) rows sorted by application then reviewer, fixed pairs included.
    ``objective``: total affinity; ``lowest``: smallest summed affinity of an application with k > 0;
    ``per_application``: summed affinity per application; ``preferred_met``: the application has a
    preferred reviewer, or had no such requirement. ``bound``: an upper bound of the mode's primary
    objective (total: LP dual certificate; fairness: best proven bound on ``lowest``), None if not computed.
    """

    pairs: IntArray
    objective: float
    lowest: float
    per_application: FloatArray
    preferred_met: BoolArray
    mode: Mode
    solve_seconds: float
    bound: float | None = None


# --- inputs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """Validated inputs with the fixed pairs taken out: what is left to assign."""

    affinity: FloatArray  # (n, m)
    q: npt.NDArray[np.int32]  # affinity on the SCALE grid
    k: IntArray  # reviewers per application, fixed pairs included
    k_rem: IntArray  # still to assign
    u_rem: IntArray  # places left per reviewer
    l_rem: IntArray  # reviews still owed to reach min_load
    free: BoolArray  # pairs the solver may choose: allowed, not fixed, application not complete
    pref: BoolArray | None  # preferred & free
    wants: BoolArray  # application has a preferred-reviewer requirement
    met_fixed: BoolArray  # requirement already met by a fixed pair
    need_b: BoolArray  # requirement the solver should try to meet (routed through a B node)
    fixed_apps: IntArray
    fixed_revs: IntArray
    base_q: IntArray  # per application, sum of q over fixed pairs
    max_load: IntArray  # as given, for re-solving with more fixed pairs
    min_load: IntArray
    allowed: BoolArray
    preferred: BoolArray | None


def _as_k(k: int | npt.ArrayLike, n: int) -> IntArray:
    arr = np.asarray(k)
    if arr.ndim == 0:
        arr = np.full(n, int(arr), dtype=np.int64)
    if arr.shape != (n,) or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"k must be an int or an integer array of shape ({n},)")
    out = arr.astype(np.int64)
    if (out < 0).any():
        raise ValueError("k must be >= 0")
    return out


def _as_loads(values: npt.ArrayLike | None, m: int, name: str) -> IntArray:
    if values is None:
        return np.zeros(m, dtype=np.int64)
    arr = np.asarray(values)
    if arr.shape != (m,) or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an integer array of shape ({m},)")
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0")
    return arr.astype(np.int64)


def _as_mask(values: npt.ArrayLike | None, shape: tuple[int, int], name: str) -> BoolArray | None:
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.shape != shape or arr.dtype != np.bool_:
        raise ValueError(f"{name} must be a boolean array of shape {shape}")
    return arr


def _as_fixed(fixed: npt.ArrayLike | None, n: int, m: int) -> tuple[IntArray, IntArray]:
    if fixed is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(fixed)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("fixed must be an integer array of (application, reviewer) rows")
    apps, revs = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
    if (apps < 0).any() or (apps >= n).any() or (revs < 0).any() or (revs >= m).any():
        raise ValueError("fixed pairs must index existing applications and reviewers")
    if np.unique(apps * m + revs).size != apps.size:
        raise ValueError("fixed pairs must not repeat")
    return apps, revs


def _prepare(
    affinity: npt.ArrayLike,
    k: int | npt.ArrayLike,
    max_load: npt.ArrayLike,
    min_load: npt.ArrayLike | None,
    forbidden: npt.ArrayLike | None,
    preferred: npt.ArrayLike | None,
    fixed: npt.ArrayLike | None,
) -> _Problem:
    aff = np.asarray(affinity, dtype=np.float64)
    if aff.ndim != 2:
        raise ValueError("affinity must be a 2-D array (applications x reviewers)")
    n, m = aff.shape
    if not np.isfinite(aff).all() or (aff < 0).any() or (aff > 1).any():
        raise ValueError("affinity values must be finite and within [0, 1]")
    upper = _as_loads(max_load, m, "max_load")
    lower = _as_loads(min_load, m, "min_load")
    if (lower > upper).any():
        raise ValueError("min_load must not exceed max_load")
    forbid = _as_mask(forbidden, (n, m), "forbidden")
    allowed = np.ones((n, m), dtype=bool) if forbid is None else ~forbid
    pref = _as_mask(preferred, (n, m), "preferred")
    fixed_apps, fixed_revs = _as_fixed(fixed, n, m)
    if not allowed[fixed_apps, fixed_revs].all():
        raise ValueError("a fixed pair is forbidden; drop it from fixed (e.g. the reviewer recused)")
    q = np.rint(aff * SCALE).astype(np.int32)
    return _with_fixed(aff, q, _as_k(k, n), upper, lower, allowed, pref, fixed_apps, fixed_revs)


def _with_fixed(
    aff: FloatArray,
    q: npt.NDArray[np.int32],
    k: IntArray,
    upper: IntArray,
    lower: IntArray,
    allowed: BoolArray,
    preferred: BoolArray | None,
    fixed_apps: IntArray,
    fixed_revs: IntArray,
) -> _Problem:
    n, m = aff.shape
    per_app = np.bincount(fixed_apps, minlength=n).astype(np.int64)
    per_rev = np.bincount(fixed_revs, minlength=m).astype(np.int64)
    if (per_app > k).any():
        raise ValueError("an application has more fixed pairs than reviewers wanted (k)")
    if (per_rev > upper).any():
        raise ValueError("a reviewer has more fixed pairs than max_load")
    k_rem = k - per_app
    u_rem = upper - per_rev
    l_rem = np.maximum(lower - per_rev, 0)
    free = allowed.copy()
    free[fixed_apps, fixed_revs] = False
    free[k_rem == 0, :] = False
    free[:, u_rem == 0] = False
    base_q = np.bincount(fixed_apps, weights=q[fixed_apps, fixed_revs], minlength=n).astype(np.int64)
    if preferred is None:
        wants = np.zeros(n, dtype=bool)
        met_fixed = np.zeros(n, dtype=bool)
        pref = None
        need_b = np.zeros(n, dtype=bool)
    else:
        wants = np.asarray(preferred.any(axis=1), dtype=bool)
        met_fixed = np.zeros(n, dtype=bool)
        met_fixed[fixed_apps[preferred[fixed_apps, fixed_revs]]] = True
        pref = preferred & free
        need_b = wants & ~met_fixed & pref.any(axis=1)
        if not need_b.any():
            pref = None
    return _Problem(
        aff, q, k, k_rem, u_rem, l_rem, free, pref, wants, met_fixed, need_b, fixed_apps, fixed_revs, base_q,
        upper, lower, allowed, preferred,
    )  # fmt: skip


# --- diagnosis ------------------------------------------------------------------------------------------------


def diagnose(
    n_applications: int,
    k: int | npt.ArrayLike,
    max_load: npt.ArrayLike,
    forbidden: npt.ArrayLike | None = None,
    *,
    min_load: npt.ArrayLike | None = None,
    fixed: npt.ArrayLike | None = None,
    groups: Mapping[str, npt.ArrayLike] | None = None,
) -> list[Shortfall]:
    """Necessary conditions for a valid assignment that fail, as ``Shortfall`` records (empty: none found).

    Checks, in this order, on what is left once ``fixed`` pairs are counted:

    - ``total_capacity``: all applications need more reviews than all reviewers have places;
    - ``minimum_load``: reviewers' minimum loads add up to more reviews than there are to give
      (``detail["minimum_reviews"]``);
    - ``group_capacity``, per group (``groups={"fr": is_french_application, ...}``): the group's applications
      need more reviews than the reviewers allowed for at least one of them have places
      (``detail["group"]``, ``detail["reviewers"]``: how many such reviewers);
    - ``too_few_candidates``: applications with fewer allowed reviewers (with places) than reviews still
      needed (``detail["applications"]``: their indices; ``places_left``: their allowed reviewers, summed);
    - ``reviewer_minimum``: reviewers whose minimum load exceeds the applications they may review
      (``detail["reviewers"]``: their indices; ``places_left``: those applications, counted per reviewer).

    Passing these checks does not prove that an assignment exists; ``assign_reviewers`` reports
    kind ``infeasible`` when the solver finds none.
    """
    loads = np.asarray(max_load)
    if loads.ndim != 1:
        raise ValueError("max_load must be a 1-D integer array")
    m = loads.shape[0]
    forbid = _as_mask(forbidden, (n_applications, m), "forbidden")
    allowed = np.ones((n_applications, m), dtype=bool) if forbid is None else ~forbid
    k_arr = _as_k(k, n_applications)
    upper = _as_loads(max_load, m, "max_load")
    lower = _as_loads(min_load, m, "min_load")
    fixed_apps, fixed_revs = _as_fixed(fixed, n_applications, m)
    return _diagnose(k_arr, upper, lower, allowed, fixed_apps, fixed_revs, groups)


def _diagnose(
    k: IntArray,
    upper: IntArray,
    lower: IntArray,
    allowed: BoolArray,
    fixed_apps: IntArray,
    fixed_revs: IntArray,
    groups: Mapping[str, npt.ArrayLike] | None,
) -> list[Shortfall]:
    n, m = allowed.shape
    k_rem = np.maximum(k - np.bincount(fixed_apps, minlength=n), 0)
    fixed_load = np.bincount(fixed_revs, minlength=m)
    places = np.maximum(upper - fixed_load, 0)
    owed = np.maximum(lower - fixed_load, 0)
    usable = allowed & (places > 0)[None, :]
    usable[fixed_apps, fixed_revs] = False
    usable[k_rem == 0, :] = False
    active = k_rem > 0
    out: list[Shortfall] = []
    need = int(k_rem.sum())
    if need > int(places.sum()):
        out.append(Shortfall("total_capacity", int(active.sum()), need, int(places.sum())))
    if int(owed.sum()) > need:
        detail: dict[str, object] = {"minimum_reviews": int(owed.sum())}
        out.append(Shortfall("minimum_load", int(active.sum()), need, int(places.sum()), detail))
    for name, members in (groups or {}).items():
        group = np.asarray(members, dtype=bool)
        if group.shape != (n,):
            raise ValueError(f"group {name!r} must be a boolean array of shape ({n},)")
        group_need = int(k_rem[group].sum())
        reviewers = usable[group].any(axis=0)
        group_places = int(places[reviewers].sum())
        if group_need > group_places:
            detail = {"group": name, "reviewers": int(reviewers.sum())}
            out.append(Shortfall("group_capacity", int((group & active).sum()), group_need, group_places, detail))
    candidates = usable.sum(axis=1)
    short = np.flatnonzero(candidates < k_rem)
    if short.size:
        detail = {"applications": short.tolist(), "candidates": candidates[short].tolist()}
        out.append(
            Shortfall(
                "too_few_candidates", int(short.size), int(k_rem[short].sum()), int(candidates[short].sum()), detail
            )
        )
    reach = usable.sum(axis=0)
    stuck = np.flatnonzero(owed > reach)
    if stuck.size:
        detail = {"reviewers": stuck.tolist()}
        apps = int(usable[:, stuck].any(axis=1).sum())
        out.append(Shortfall("reviewer_minimum", apps, int(owed[stuck].sum()), int(reach[stuck].sum()), detail))
    return out


# --- total mode: exact min-cost flow with column generation ---------------------------------------------------


@dataclass(frozen=True)
class _Flow:
    """An optimal flow on the full problem, with the potentials that prove it."""

    apps: IntArray  # chosen free pairs
    revs: IntArray
    potentials: IntArray  # per node, Bellman-Ford distances in the residual graph
    candidates: BoolArray  # the sparse pair set the last solve used
    big: int  # bonus of a met preferred-reviewer requirement
    met: int  # requirements met by the flow (B nodes)


def _layout(p: _Problem) -> tuple[int, int, IntArray, IntArray]:
    """Node numbering: 0 source, 1..m reviewers, then applications, then one B node per requirement."""
    n, m = p.q.shape
    b_apps = np.flatnonzero(p.need_b).astype(np.int64)
    b_of = np.full(n, -1, dtype=np.int64)
    b_of[b_apps] = np.arange(b_apps.size)
    return 1 + m, 1 + m + n, b_apps, b_of


def _bonus(p: _Problem) -> int:
    """Cost bonus for a met requirement, larger than any change of total scaled affinity along a cycle."""
    if not p.need_b.any():
        return 0
    n, m = p.q.shape
    # A simple residual cycle removes at most one assigned pair per reviewer (and per app-side node) it
    # visits, each worth <= SCALE, and adds pairs at cost <= 0; so BIG > SCALE * min(m, n + nb) makes every
    # cycle that meets one more requirement profitable: the count of met requirements is maximized first.
    return SCALE * min(m, n + int(p.need_b.sum())) + 1


def _initial_candidates(p: _Problem, width: int) -> BoolArray:
    """Each application's ``width`` best free reviewers (and best preferred ones), each owing reviewer's best."""
    n, m = p.q.shape
    cand = np.zeros((n, m), dtype=bool)
    if n == 0 or m == 0:
        return cand
    rows = max(1, _CHUNK // m)
    for sources, count in ((p.free, width), (p.pref, max(2, width // 4))):
        if sources is None:
            continue
        if count >= m:
            cand |= sources
            continue
        for r0 in range(0, n, rows):
            block = np.where(sources[r0 : r0 + rows], p.q[r0 : r0 + rows], -1)
            top = np.argpartition(-block, count - 1, axis=1)[:, :count]
            cand[np.arange(r0, r0 + block.shape[0])[:, None], top] = True
    owing = np.flatnonzero(p.l_rem > 0)
    if owing.size:
        count = min(n, int(p.l_rem.max()) + width)
        block = np.where(p.free[:, owing], p.q[:, owing], -1)
        top = np.argpartition(-block, count - 1, axis=0)[:count] if count < n else np.arange(n)[:, None]
        cand[top, owing[None, :]] = True
    return cand & p.free


def _solve_flow(p: _Problem) -> _Flow | None:
    """Exact optimum of the lexicographic objective (requirements met, then total q); None if infeasible."""
    n, m = p.q.shape
    width = min(m, max(16, 4 * int(p.k_rem.max(initial=0))))
    cand = _initial_candidates(p, width)
    big = _bonus(p)
    node_a, node_b, b_apps, b_of = _layout(p)
    n_nodes = node_b + b_apps.size
    if big * 2 * (n_nodes + 1) >= _INT64_MAX:
        raise ValueError("instance too large for exact int64 costs (too many reviewers for the requirement bonus)")
    if int(p.k_rem.sum()) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Flow(empty, empty, np.zeros(n_nodes, dtype=np.int64), cand, big, 0)
    while True:
        ci, cj = np.nonzero(cand)
        ci, cj = ci.astype(np.int64), cj.astype(np.int64)
        to_b = p.pref[ci, cj] & p.need_b[ci] if p.pref is not None else np.zeros(ci.size, dtype=bool)
        heads_pair = np.where(to_b, node_b + b_of[ci], node_a + ci)
        tails = np.concatenate(
            [np.zeros(m, np.int64), 1 + cj, node_b + np.arange(b_apps.size), node_b + np.arange(b_apps.size)]
        )
        heads = np.concatenate([1 + np.arange(m), heads_pair, node_a + b_apps, node_a + b_apps])
        caps = np.concatenate(
            [p.u_rem - p.l_rem, np.ones(ci.size, np.int64), np.ones(b_apps.size, np.int64), p.k_rem[b_apps] - 1]
        )
        costs = np.concatenate(
            [
                np.zeros(m, np.int64),
                -p.q[ci, cj].astype(np.int64),
                np.full(b_apps.size, -big, np.int64),
                np.zeros(b_apps.size, np.int64),
            ]
        )
        supplies = np.zeros(n_nodes, dtype=np.int64)
        supplies[0] = int(p.k_rem.sum()) - int(p.l_rem.sum())
        supplies[1 : 1 + m] = p.l_rem
        supplies[node_a : node_a + n] = -p.k_rem
        solver = min_cost_flow.SimpleMinCostFlow()
        arcs = solver.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
        solver.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
        status = solver.solve()
        if status == solver.INFEASIBLE:
            if cand.sum() == p.free.sum():
                return None
            width = min(m, 2 * width)
            cand |= _initial_candidates(p, width)
            continue
        if status == solver.BAD_COST_RANGE:
            raise OverflowError("min-cost flow potentials overflow int64; the instance is too large")
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow solver failed with status {status}")
        flows = np.asarray(solver.flows(arcs), dtype=np.int64)
        d = _potentials(tails, heads, caps, costs, flows, n_nodes)
        violators = _price(p, d, cand, node_a, node_b, b_of)
        if violators == 0:
            chosen = flows[m : m + ci.size] == 1
            met = int(flows[m + ci.size : m + ci.size + b_apps.size].sum())
            return _Flow(ci[chosen], cj[chosen], d, cand, big, met)


def _potentials(
    tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray, flows: IntArray, n_nodes: int
) -> IntArray:
    """Shortest distances from a virtual root in the residual graph (Bellman-Ford, vectorized)."""
    fwd = flows < caps
    bwd = flows > 0
    et = np.concatenate([tails[fwd], heads[bwd]])
    eh = np.concatenate([heads[fwd], tails[bwd]])
    ec = np.concatenate([costs[fwd], -costs[bwd]])
    d = np.zeros(n_nodes, dtype=np.int64)
    if eh.size == 0:
        return d
    order = np.argsort(eh, kind="stable")
    et, eh, ec = et[order], eh[order], ec[order]
    targets, starts = np.unique(eh, return_index=True)
    for _ in range(n_nodes + 1):
        best = np.minimum(d[targets], np.minimum.reduceat(d[et] + ec, starts))
        if np.array_equal(best, d[targets]):
            return d
        d[targets] = best
    raise RuntimeError("negative cycle in an optimal residual graph")  # cannot happen if the flow is optimal


def _price(p: _Problem, d: IntArray, cand: BoolArray, node_a: int, node_b: int, b_of: IntArray) -> int:
    """Add to ``cand`` every free pair with a negative reduced cost; return how many were added."""
    n, m = p.q.shape
    rows = max(1, _CHUNK // max(m, 1))
    d_rev = d[1 : 1 + m]
    added = 0
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        head = d[node_a + np.arange(r0, r1)][:, None]
        if p.pref is not None:
            bb = b_of[r0:r1]
            via_b = p.pref[r0:r1] & (bb >= 0)[:, None]
            head = np.where(via_b, d[node_b + np.maximum(bb, 0)][:, None], head)
        reduced = d_rev[None, :] - head - p.q[r0:r1].astype(np.int64)
        new = p.free[r0:r1] & ~cand[r0:r1] & (reduced < 0)
        count = int(new.sum())
        if count:
            cand[r0:r1] |= new
            added += count
    return added


def _certificate(p: _Problem, flow: _Flow) -> float:
    """LP upper bound on total affinity (unrounded) among assignments meeting the most requirements.

    Weak duality with node prices -d on the full network: any prices give a bound, optimal ones give the
    optimum up to the rounding of affinities to the SCALE grid.
    """
    n, m = p.q.shape
    node_a, node_b, b_apps, b_of = _layout(p)
    d = flow.potentials.astype(np.float64)
    big = float(flow.big)
    supply = -d[node_a : node_a + n] @ (-p.k_rem.astype(np.float64))
    supply += -d[0] * float(p.k_rem.sum() - p.l_rem.sum()) - d[1 : 1 + m] @ p.l_rem.astype(np.float64)
    slack = ((p.u_rem - p.l_rem) * np.maximum(0.0, d[1 : 1 + m] - d[0])).sum()
    if b_apps.size:
        d_b, d_ab = d[node_b : node_b + b_apps.size], d[node_a + b_apps]
        slack += np.maximum(0.0, d_ab - d_b + big).sum() + ((p.k_rem[b_apps] - 1) * np.maximum(0.0, d_ab - d_b)).sum()
    rows = max(1, _CHUNK // max(m, 1))
    d_rev = d[1 : 1 + m]
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        head = d[node_a + np.arange(r0, r1)][:, None]
        if p.pref is not None:
            bb = b_of[r0:r1]
            via_b = p.pref[r0:r1] & (bb >= 0)[:, None]
            head = np.where(via_b, d[node_b + np.maximum(bb, 0)][:, None], head)
        gain = np.maximum(0.0, head - d_rev[None, :] + p.affinity[r0:r1] * SCALE)
        slack += gain[p.free[r0:r1]].sum()
    lower = supply - slack  # weak-duality lower bound on the min-cost objective, in SCALE units
    fixed_total = float(p.affinity[p.fixed_apps, p.fixed_revs].sum())
    return float((-lower - big * flow.met) / SCALE + fixed_total)


# --- fairness mode: exchange-path search, bounds, CP-SAT polish -----------------------------------------------


class _Search:
    """A mutable assignment of the free part, for the max-min local search (integer q units)."""

    def __init__(self, p: _Problem, apps: IntArray, revs: IntArray, options: BoolArray) -> None:
        n, m = p.q.shape
        self.p = p
        self.width = max(1, int(p.k_rem.max(initial=0)))
        order = np.lexsort((revs, apps))
        apps, revs = apps[order], revs[order]
        slot = np.arange(apps.size) - np.searchsorted(apps, apps)
        self.assign = np.full((n, self.width), -1, dtype=np.int64)
        self.assign[apps, slot] = revs
        self.score = p.base_q + np.bincount(apps, weights=p.q[apps, revs], minlength=n).astype(np.int64)
        self.load = np.bincount(revs, minlength=m).astype(np.int64)
        pref = p.pref if p.pref is not None else np.zeros((n, m), dtype=bool)
        self.pref = pref
        self.pref_count = np.bincount(apps, weights=pref[apps, revs], minlength=n).astype(np.int64)
        self.options = options & p.free
        oi, oj = np.nonzero(self.options)
        self.indptr = np.searchsorted(oi, np.arange(n + 1)).astype(np.int64)
        self.opt_rev = oj.astype(np.int64)
        self.opt_q = p.q[oi, oj].astype(np.int64)
        self.active = p.k > 0

    def copy(self) -> _Search:
        other = copy.copy(self)
        other.assign, other.score = self.assign.copy(), self.score.copy()
        other.load, other.pref_count = self.load.copy(), self.pref_count.copy()
        return other

    def total(self) -> int:
        return int(self.score.sum())

    def pairs(self) -> tuple[IntArray, IntArray]:
        apps, slots = np.nonzero(self.assign >= 0)
        return apps.astype(np.int64), self.assign[apps, slots]

    def lowest(self) -> int:
        return int(self.score[self.active].min()) if self.active.any() else 0

    def repair(self, target: int) -> bool:
        """Lift every application to ``target`` by exchange paths that keep the others at target; False if stuck."""
        while True:
            low = np.flatnonzero(self.active & (self.score < target))
            if low.size == 0:
                return True
            if not self._lift(int(low[np.argmin(self.score[low])]), target):
                return False

    def _keeps_pref(self, apps: IntArray, drop: IntArray, take: IntArray) -> BoolArray:
        after = self.pref_count[apps] - self.pref[apps, drop] + self.pref[apps, take]
        return ~self.p.need_b[apps] | (self.pref_count[apps] == 0) | (after >= 1)

    def _lift(self, w: int, target: int) -> bool:
        """Raise application w by one exchange path (w swaps a reviewer; each holder passed on swaps one)."""
        p, q = self.p, self.p.q
        m = q.shape[1]
        current = self.assign[w][self.assign[w] >= 0]
        opts = self.opt_rev[self.indptr[w] : self.indptr[w + 1]]
        opt_q = self.opt_q[self.indptr[w] : self.indptr[w + 1]]
        for r0 in current[np.argsort(q[w, current], kind="stable")]:
            ok = (opt_q > q[w, r0]) & ~np.isin(opts, current)
            ok &= self._keeps_pref(np.full(opts.size, w), np.full(opts.size, r0), opts)
            if not ok.any():
                continue
            frees_r0 = self.load[r0] > p.l_rem[r0]
            parent = np.full(m, -2, dtype=np.int64)  # -2 unseen, -1 taken by w
            parent_app = np.full(m, -1, dtype=np.int64)
            queue: list[int] = []
            firsts = opts[ok][np.argsort(-opt_q[ok], kind="stable")]
            moves = [(w, -1, int(j)) for j in firsts]
            head = 0
            while True:
                for app, via, j in moves:
                    if parent[j] != -2:
                        continue
                    parent[j], parent_app[j] = via, app
                    ends = j == r0 or (self.load[j] < p.u_rem[j] and frees_r0)
                    if ends and self._apply(w, int(r0), j, parent, parent_app):
                        return True
                    queue.append(j)
                if head == len(queue):
                    break
                moves = self._moves_from(queue[head], w, target, parent)
                head += 1
        return False

    def _moves_from(self, j: int, w: int, target: int, parent: IntArray) -> list[tuple[int, int, int]]:
        """Holders of reviewer j that could hand j over by taking an unseen reviewer instead."""
        q = self.p.q
        holders = np.flatnonzero((self.assign == j).any(axis=1))
        holders = holders[holders != w]
        if holders.size == 0:
            return []
        starts, ends = self.indptr[holders], self.indptr[holders + 1]
        lens = ends - starts
        idx = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(starts, lens)
        app = np.repeat(holders, lens)
        take = self.opt_rev[idx]
        slack = np.maximum(self.score[app] - target, 0)
        ok = (self.opt_q[idx] >= q[app, j].astype(np.int64) - slack) & (parent[take] == -2)
        ok &= ~(self.assign[app] == take[:, None]).any(axis=1)
        ok &= self._keeps_pref(app, np.full(app.size, j), take)
        return [(int(a), j, int(t)) for a, t in zip(app[ok], take[ok], strict=True)]

    def _apply(self, w: int, r0: int, end: int, parent: IntArray, parent_app: IntArray) -> bool:
        moves: list[tuple[int, int, int]] = []
        j = end
        while parent[j] != -1:
            moves.append((int(parent_app[j]), int(parent[j]), j))
            j = int(parent[j])
        moves.append((w, r0, j))
        if len({app for app, _, _ in moves}) != len(moves):
            return False  # an application met twice on the path: its checks do not add up
        q = self.p.q
        for app, drop, take in moves:
            row = self.assign[app]
            row[row == drop] = take
            self.score[app] += int(q[app, take]) - int(q[app, drop])
            self.pref_count[app] += int(self.pref[app, take]) - int(self.pref[app, drop])
            self.load[drop] -= 1
            self.load[take] += 1
        return True


def _own_best(p: _Problem, with_requirements: bool) -> tuple[int, float]:
    """Lowest over applications of the best total each could get on its own (q units, affinity units).

    With ``with_requirements`` (every requirement is met at the optimum), an application that wants a
    preferred reviewer counts its best preferred one plus its best k - 1 others.
    """
    n, m = p.q.shape
    active = p.k > 0
    if not active.any():
        return 0, 0.0
    best_q = p.base_q.astype(np.float64)
    best_a = np.bincount(p.fixed_apps, weights=p.affinity[p.fixed_apps, p.fixed_revs], minlength=n).astype(float)
    rows = max(1, _CHUNK // max(m, 1))
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        for values, acc in ((p.q[r0:r1].astype(np.float64), best_q), (p.affinity[r0:r1], best_a)):
            v = np.where(p.free[r0:r1], values, -1.0)
            count = p.k_rem[r0:r1].copy()
            if with_requirements and p.pref is not None:
                need = np.flatnonzero(p.need_b[r0:r1])
                star = np.argmax(np.where(p.pref[r0:r1][need], v[need], -2.0), axis=1)
                acc[r0 + need] += v[need, star]
                v[need, star] = -1.0
                count[need] -= 1
            ranked = np.maximum(-np.sort(-v, axis=1), 0.0)
            acc[r0:r1] += (ranked * (np.arange(m)[None, :] < count[:, None])).sum(axis=1)
    return int(best_q[active].min()), float(best_a[active].min())


def _lp_bound(p: _Problem) -> float | None:
    """LP relaxation of the max-min (HiGHS), an upper bound on ``lowest``; None if not solved."""
    n, m = p.q.shape
    ii, jj = np.nonzero(p.free)
    nv = ii.size
    active = np.flatnonzero(p.k > 0)
    rows_app = np.flatnonzero(p.k_rem > 0)
    col = np.arange(nv)
    a_eq = sparse.csr_matrix((np.ones(nv), (ii, col)), shape=(n, nv + 1))[rows_app]
    per_rev = sparse.csr_matrix((np.ones(nv), (jj, col)), shape=(m, nv + 1))
    fair = sparse.hstack([sparse.csr_matrix((-p.affinity[ii, jj], (ii, col)), shape=(n, nv)), np.ones((n, 1))])
    base = np.bincount(p.fixed_apps, weights=p.affinity[p.fixed_apps, p.fixed_revs], minlength=n).astype(float)
    a_ub = sparse.vstack([per_rev, -per_rev, fair.tocsr()[active]]).tocsr()
    b_ub = np.concatenate([p.u_rem, -p.l_rem, base[active]]).astype(np.float64)
    c = np.zeros(nv + 1)
    c[-1] = -1.0
    bounds = np.zeros((nv + 1, 2))
    bounds[:, 1] = 1.0
    bounds[-1] = (0.0, float(p.k.max(initial=0)))
    res = linprog(
        c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=p.k_rem[rows_app].astype(np.float64), bounds=bounds, method="highs"
    )
    return float(-res.fun) if res.status == 0 else None


def _cp_sat(
    p: _Problem, met: int, hint: _Search, floor: int, phase: Literal["lowest", "total"]
) -> tuple[_Search | None, int | None]:
    """CP-SAT on all free pairs: maximize the lowest (phase "lowest") or the total keeping lowest >= floor.

    Deterministic (interleaved search, deterministic time limit). Returns the assignment found, if any,
    and in phase "lowest" CP-SAT's proven upper bound in q units.
    """
    n, m = p.q.shape
    ii, jj = np.nonzero(p.free)
    q = p.q[ii, jj].astype(np.int64).tolist()
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{v}") for v in range(ii.size)]
    by_app: list[list[int]] = [[] for _ in range(n)]
    by_rev: list[list[int]] = [[] for _ in range(m)]
    for v, (i, j) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
        by_app[i].append(v)
        by_rev[j].append(v)
    low = model.new_int_var(floor, int(p.k.max(initial=0)) * SCALE, "lowest")
    if phase == "total":
        model.add(low == floor)
    for i in range(n):
        own = by_app[i]
        if own:
            model.add(cp_model.LinearExpr.sum([x[v] for v in own]) == int(p.k_rem[i]))
        if p.k[i] > 0:
            score = cp_model.LinearExpr.weighted_sum([x[v] for v in own], [q[v] for v in own])
            model.add(score + int(p.base_q[i]) >= low)
    for j in range(m):
        if by_rev[j]:
            load = cp_model.LinearExpr.sum([x[v] for v in by_rev[j]])
            model.add_linear_constraint(load, int(p.l_rem[j]), int(p.u_rem[j]))
    if p.pref is not None and met > 0:
        pref = p.pref[ii, jj]
        ys = []
        for i in np.flatnonzero(p.need_b).tolist():
            y = model.new_bool_var(f"y{i}")
            model.add(cp_model.LinearExpr.sum([x[v] for v in by_app[i] if pref[v]]) >= y)
            ys.append(y)
        model.add(cp_model.LinearExpr.sum(ys) >= met)
    chosen = hint.assign[ii, :] == jj[:, None]
    for v, flag in enumerate(chosen.any(axis=1).tolist()):
        model.add_hint(x[v], flag)
    if phase == "lowest":
        model.add_hint(low, hint.lowest())
        model.maximize(low)
    else:
        model.maximize(cp_model.LinearExpr.weighted_sum(x, q))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.interleave_search = True  # parallel but deterministic
    solver.parameters.max_deterministic_time = _CPSAT_EFFORT
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    picked = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    found = _Search(p, ii[picked].astype(np.int64), jj[picked].astype(np.int64), hint.options)
    proven = int(solver.best_objective_bound) if phase == "lowest" else None
    return found, proven


def _fixing(p: _Problem, start: _Search, fair: _Search, floor: int) -> _Search | None:
    """Best total keeping lowest >= floor, by flows: applications that fall below keep their fair reviewers."""
    fair_apps, fair_revs = fair.pairs()
    kept = np.zeros(p.q.shape[0], dtype=bool)
    current = start
    for _ in range(_FIXING_ROUNDS):
        low = current.active & (current.score < floor)
        if not low.any():
            return current
        kept |= low
        take = kept[fair_apps]
        sub = _with_fixed(
            p.affinity, p.q, p.k, p.max_load, p.min_load, p.allowed, p.preferred,
            np.concatenate([p.fixed_apps, fair_apps[take]]), np.concatenate([p.fixed_revs, fair_revs[take]]),
        )  # fmt: skip
        flow = _solve_flow(sub)
        if flow is None:
            return None
        apps = np.concatenate([flow.apps, fair_apps[take]])
        revs = np.concatenate([flow.revs, fair_revs[take]])
        current = _Search(p, apps, revs, start.options)
    return None


def _fairness(p: _Problem, flow: _Flow) -> tuple[IntArray, IntArray, float]:
    """Max-min, then the best total keeping it; returns the free pairs and an upper bound on ``lowest``.

    1. Upper bounds: each application's best on its own, and the LP relaxation (HiGHS) when small.
    2. From the total optimum, binary search on a target: lift every application below it by exchange
       paths (``_Search.repair``); the best target reached is the floor.
    3. Small instances: CP-SAT, hinted with that assignment, raises the floor or proves a bound.
    4. Best total keeping the floor, among: the floor's assignment, the total optimum repaired to the
       floor, and flows with the applications that fell below kept on their fair reviewers; then CP-SAT.
    """
    pairs = int(p.free.sum())
    small = pairs <= _CPSAT_PAIRS
    start = _Search(p, flow.apps, flow.revs, p.free if small else flow.candidates)
    own_q, own_a = _own_best(p, with_requirements=flow.met == int(p.need_b.sum()))
    lp = _lp_bound(p) if pairs <= _LP_BOUND_PAIRS else None
    kmax = int(p.k.max(initial=0))
    bound = own_a if lp is None else min(own_a, lp)
    # In q units an application's total is within 0.5 * k of SCALE * its real total.
    ceiling = own_q if lp is None else min(own_q, int(np.floor(lp * SCALE + 0.5 * kmax)) + 1)
    best = start.copy()
    lo, hi = best.lowest(), ceiling
    if lo < hi and not best.repair(hi):
        best, hi = start.copy(), hi - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            trial = best.copy()
            if trial.repair(mid):
                best, lo = trial, trial.lowest()
            else:
                hi = mid - 1
    floor = best.lowest()
    if small and floor < ceiling:
        found, proven = _cp_sat(p, flow.met, best, floor, "lowest")
        if found is not None and found.lowest() > floor:
            best, floor = found, found.lowest()
        if proven is not None:
            bound = min(bound, (proven + 0.5 * kmax) / SCALE)
    kept = [best]
    near_total = start.copy()
    if near_total.repair(floor):
        kept.append(near_total)
    fixed = _fixing(p, start, best, floor)
    if fixed is not None:
        kept.append(fixed)
    chosen = max(kept, key=lambda s: s.total())
    if small:
        found, _ = _cp_sat(p, flow.met, chosen, floor, "total")
        if found is not None and found.total() > chosen.total() and found.lowest() >= floor:
            chosen = found
    apps, revs = chosen.pairs()
    return apps, revs, bound


# --- public entry point ---------------------------------------------------------------------------------------


def assign_reviewers(
    affinity: npt.ArrayLike,
    k: int | npt.ArrayLike,
    max_load: npt.ArrayLike,
    min_load: npt.ArrayLike | None = None,
    forbidden: npt.ArrayLike | None = None,
    *,
    mode: Mode = "total",
    preferred: npt.ArrayLike | None = None,
    fixed: npt.ArrayLike | None = None,
    groups: Mapping[str, npt.ArrayLike] | None = None,
) -> AssignmentResult:
    """Give each application ``k`` distinct reviewers, best total affinity (``mode="total"``) or worst-served first.

    Inputs are plain arrays for n applications and m reviewers: ``affinity`` (n, m) in [0, 1]; ``k`` an int or
    (n,) ints; ``max_load`` / ``min_load`` (m,) ints; ``forbidden`` (n, m) bool, pairs never assigned
    (conflicts, language); ``preferred`` (n, m) bool: an application whose row has a True wants at least one
    such reviewer, met for as many applications as capacity allows before anything else; ``fixed`` (r, 2) int
    (application, reviewer) pairs kept as they are (existing assignments; they count in ``k``, ``max_load``
    and ``min_load``); ``groups`` named (n,) bool masks checked by ``diagnose`` (e.g. ``{"fr": is_french}``)
    so a shortfall can name the group.

    ``mode="total"`` is exact: the optimum for the affinities rounded to 1e-6 (``SCALE``), with ``bound`` an
    LP certificate on the unrounded ones. ``mode="fairness"`` maximizes ``lowest``, then the total; that is
    NP-hard, so it is near-exact (exact on small instances when CP-SAT proves it) and ``bound`` says how
    far from optimal it can be. Raises ``AssignmentInfeasible`` (with ``Shortfall`` records) when no valid
    assignment exists, ``ValueError`` on malformed input. Same input, same output.

    Example (3 applications, 3 reviewers, 2 reviewers each, at most 2 reviews per reviewer)::

        >>> import numpy as np
        >>> affinity = np.array([[0.9, 0.1, 0.5], [0.8, 0.7, 0.2], [0.3, 0.6, 0.9]])
        >>> forbidden = np.zeros((3, 3), dtype=bool)
        >>> forbidden[0, 2] = True  # reviewer 2 has a conflict with application 0
        >>> result = assign_reviewers(affinity, 2, np.array([2, 2, 2]), forbidden=forbidden)
        >>> result.pairs.tolist()
        [[0, 0], [0, 1], [1, 0], [1, 2], [2, 1], [2, 2]]
        >>> round(result.objective, 6), round(result.lowest, 6), round(result.bound, 6)
        (3.5, 1.0, 3.5)
        >>> fair = assign_reviewers(affinity, 2, np.array([2, 2, 2]), forbidden=forbidden, mode="fairness")
        >>> round(fair.lowest, 6), round(fair.bound, 6)
        (1.0, 1.0)
    """
    started = time.perf_counter()
    if mode not in ("total", "fairness"):
        raise ValueError("mode must be 'total' or 'fairness'")
    p = _prepare(affinity, k, max_load, min_load, forbidden, preferred, fixed)
    shortfalls = _diagnose(p.k, p.max_load, p.min_load, p.allowed, p.fixed_apps, p.fixed_revs, groups)
    if shortfalls:
        raise AssignmentInfeasible(shortfalls)
    flow = _solve_flow(p)
    if flow is None:
        need = int(p.k_rem.sum())
        raise AssignmentInfeasible([Shortfall("infeasible", int((p.k_rem > 0).sum()), need, int(p.u_rem.sum()))])
    if mode == "total":
        apps, revs, bound = flow.apps, flow.revs, _certificate(p, flow)
    else:
        apps, revs, bound = _fairness(p, flow)
    return _result(p, apps, revs, mode, bound, started)


def _result(p: _Problem, apps: IntArray, revs: IntArray, mode: Mode, bound: float, started: float) -> AssignmentResult:
    n = p.q.shape[0]
    all_apps = np.concatenate([p.fixed_apps, apps]).astype(np.int64)
    all_revs = np.concatenate([p.fixed_revs, revs]).astype(np.int64)
    order = np.lexsort((all_revs, all_apps))
    all_apps, all_revs = all_apps[order], all_revs[order]
    values = p.affinity[all_apps, all_revs]
    per_application = np.bincount(all_apps, weights=values, minlength=n).astype(np.float64)
    active = p.k > 0
    met = np.ones(n, dtype=bool)
    if p.preferred is not None:
        has = np.zeros(n, dtype=bool)
        has[all_apps[p.preferred[all_apps, all_revs]]] = True
        met = ~p.wants | has
    return AssignmentResult(
        pairs=np.stack([all_apps, all_revs], axis=1),
        objective=float(values.sum()),
        lowest=float(per_application[active].min()) if active.any() else 0.0,
        per_application=per_application,
        preferred_met=met,
        mode=mode,
        solve_seconds=time.perf_counter() - started,
        bound=bound,
    )
