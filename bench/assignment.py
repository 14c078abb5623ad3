"""Benchmark: exact reviewer assignment on a 10,000 x 1,000 synthetic pool (k = 3, loads 30-40).

Affinities come from expertise-tag overlap, region and a text-similarity term, as for a real pool;
language is a forbidden mask (25% French applications, 35% French-reading reviewers), with a sprinkle
of conflicts; 30% of applications want a reviewer with Indigenous expertise (20% of reviewers have it).

Prints the exact total-mode solve (time, objective, LP dual certificate ``bound`` evaluated on the full
unrounded matrix, requirements met), a greedy baseline (each application in turn takes its best k allowed
reviewers with places left), the time of the real conflict scan (``conflict_scan_s``: every reviewer x
application pair of a synthetic 10,000 x 1,000 call from ``grants synth``), and a cross-check on a
smaller instance against HiGHS' LP optimum (a second, independent method). ``--fairness`` also runs
the fairness mode. Targets: under 10 s, under 2 GiB.
Last line: solve_s=... objective=... bound=... greedy_objective=... conflict_scan_s=... peak_mib=...
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linprog

# bench/scoring.py shares its name with the package: drop this folder from the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from scoring.assignment import assign_reviewers  # noqa: E402

N_TAGS = 40
N_REGIONS = 6


@dataclass(frozen=True)
class Pool:
    affinity: npt.NDArray[np.float64]
    forbidden: npt.NDArray[np.bool_]
    preferred: npt.NDArray[np.bool_]
    max_load: npt.NDArray[np.int64]
    is_french: npt.NDArray[np.bool_]
    mask_seconds: float


def synthetic_pool(applications: int, reviewers: int, seed: int) -> Pool:
    """A seeded pool whose affinities and exclusions look like a real call's."""
    rng = np.random.default_rng(seed)
    app_tags = np.zeros((applications, N_TAGS), dtype=np.float32)
    for _ in range(3):  # 1 to 3 distinct tags
        app_tags[np.arange(applications), rng.integers(0, N_TAGS, applications)] = 1.0
    rev_tags = np.zeros((reviewers, N_TAGS), dtype=np.float32)
    for _ in range(6):  # 1 to 6 distinct tags
        rev_tags[np.arange(reviewers), rng.integers(0, N_TAGS, reviewers)] = 1.0
    overlap = (app_tags @ rev_tags.T) / app_tags.sum(axis=1, keepdims=True)
    same_region = rng.integers(0, N_REGIONS, applications)[:, None] == rng.integers(0, N_REGIONS, reviewers)[None, :]
    app_text = rng.normal(size=(applications, 16)).astype(np.float32)
    rev_text = rng.normal(size=(reviewers, 16)).astype(np.float32)
    app_text /= np.linalg.norm(app_text, axis=1, keepdims=True)
    rev_text /= np.linalg.norm(rev_text, axis=1, keepdims=True)
    text = (app_text @ rev_text.T + 1.0) / 2.0
    affinity = np.clip(0.6 * overlap + 0.2 * same_region + 0.2 * text, 0.0, 1.0).astype(np.float64)

    is_french = rng.random(applications) < 0.25
    reads_french = rng.random(reviewers) < 0.35
    reads_english = ~reads_french | (rng.random(reviewers) < 0.85)
    conflict_apps = rng.integers(0, applications, 20 * reviewers)
    conflict_revs = rng.integers(0, reviewers, 20 * reviewers)
    start = time.perf_counter()
    forbidden = np.where(is_french[:, None], ~reads_french[None, :], ~reads_english[None, :])
    forbidden[conflict_apps, conflict_revs] = True
    mask_seconds = time.perf_counter() - start

    wants_indigenous = rng.random(applications) < 0.30
    indigenous = rng.random(reviewers) < 0.20
    preferred = wants_indigenous[:, None] & indigenous[None, :]
    max_load = rng.integers(30, 41, reviewers).astype(np.int64)
    return Pool(affinity, forbidden, preferred, max_load, is_french, mask_seconds)


def greedy(pool: Pool, k: int) -> tuple[float, int]:
    """Each application in order takes its best k allowed reviewers with places left: (total, incomplete apps)."""
    left = pool.max_load.copy()
    total, incomplete = 0.0, 0
    for i in range(pool.affinity.shape[0]):
        row = np.where(~pool.forbidden[i] & (left > 0), pool.affinity[i], -1.0)
        best = np.argpartition(-row, k - 1)[:k]
        best = best[row[best] >= 0]
        incomplete += best.size < k
        left[best] -= 1
        total += float(row[best].sum())
    return total, incomplete


def lp_optimum(pool: Pool, k: int) -> float:
    """HiGHS LP optimum of the total (no preferred requirement): the flow must match it exactly."""
    n, m = pool.affinity.shape
    ii, jj = np.nonzero(~pool.forbidden)
    col = np.arange(ii.size)
    a_eq = sparse.csr_matrix((np.ones(ii.size), (ii, col)), shape=(n, ii.size))
    a_ub = sparse.csr_matrix((np.ones(ii.size), (jj, col)), shape=(m, ii.size))
    res = linprog(-pool.affinity[ii, jj], A_ub=a_ub, b_ub=pool.max_load, A_eq=a_eq, b_eq=np.full(n, k), bounds=(0, 1))
    return float(-res.fun)


def conflict_scan_seconds(applications: int, reviewers: int, seed: int) -> tuple[float, int]:
    """Time the conflict detection over every pair of a synthetic call written by ``grants synth``."""
    import tempfile
    from pathlib import Path

    import pandas as pd

    from grants.synth import generate
    from scoring.conflicts import ApplicationRecord, ReviewerRecord, detect_conflicts

    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), applications=applications, reviewers=reviewers, seed=seed)
        apps = pd.read_csv(files.applications_file, dtype=str, keep_default_na=False)
        pool = pd.read_csv(files.reviewers_file, dtype=str, keep_default_na=False)

    def items(cell: str) -> list[str]:
        return [p.strip() for p in cell.split(";") if p.strip()]

    application_records = [
        ApplicationRecord(i, row.organization_name, row.contact_email, items(row.board_members),
                          items(row.key_staff), items(row.partner_organizations))
        for i, row in enumerate(apps.itertuples(index=False))
    ]  # fmt: skip
    reviewer_records = [
        ReviewerRecord(j, row.name, row.email, row.affiliation) for j, row in enumerate(pool.itertuples(index=False))
    ]
    start = time.perf_counter()
    found = detect_conflicts(reviewer_records, application_records)
    return time.perf_counter() - start, len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fairness", action="store_true", help="also run mode='fairness' on the same pool")
    args = parser.parse_args()

    pool = synthetic_pool(args.applications, args.reviewers, args.seed)
    groups = {"fr": pool.is_french, "en": ~pool.is_french}
    result = assign_reviewers(
        pool.affinity, args.k, pool.max_load, forbidden=pool.forbidden, preferred=pool.preferred, groups=groups
    )
    wanting = int(pool.preferred.any(axis=1).sum())
    met = int(result.preferred_met.sum()) - (args.applications - wanting)
    print(
        f"total mode: {args.applications} x {args.reviewers}, k={args.k}: {result.solve_seconds:.2f} s, "
        f"objective {result.objective:.6f}, bound {result.bound:.6f} (LP dual certificate on the full matrix), "
        f"lowest {result.lowest:.4f}, Indigenous expertise met {met}/{wanting}"
    )
    start = time.perf_counter()
    greedy_total, incomplete = greedy(pool, args.k)
    print(f"greedy: {greedy_total:.6f} in {time.perf_counter() - start:.2f} s ({incomplete} applications left short)")

    small = synthetic_pool(args.applications // 8, args.reviewers // 8, args.seed + 1)
    exact = assign_reviewers(small.affinity, args.k, small.max_load, forbidden=small.forbidden)
    lp = lp_optimum(small, args.k)
    print(
        f"cross-check {small.affinity.shape[0]} x {small.affinity.shape[1]} without requirements: flow "
        f"{exact.objective:.6f}, HiGHS LP optimum {lp:.6f}, difference {exact.objective - lp:.2e}"
    )
    if args.fairness:
        fair = assign_reviewers(
            pool.affinity, args.k, pool.max_load, forbidden=pool.forbidden, preferred=pool.preferred, mode="fairness"
        )
        print(
            f"fairness mode: {fair.solve_seconds:.2f} s, lowest {fair.lowest:.6f} (bound {fair.bound:.6f}, "
            f"total mode's {result.lowest:.6f}), objective {fair.objective:.6f}"
        )
    scan_seconds, conflicts = conflict_scan_seconds(args.applications, args.reviewers, args.seed)
    print(
        f"conflict scan: {args.applications} x {args.reviewers} pairs in {scan_seconds:.2f} s, {conflicts} conflicts "
        f"(building the benchmark's own forbidden mask took {pool.mask_seconds:.3f} s)"
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"solve_s={result.solve_seconds:.3f} objective={result.objective:.6f} bound={result.bound:.6f} "
        f"greedy_objective={greedy_total:.6f} conflict_scan_s={scan_seconds:.3f} peak_mib={peak_mib:.0f}"
    )


if __name__ == "__main__":
    main()
