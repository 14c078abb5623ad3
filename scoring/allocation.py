"""Award round: turn each stream's ranked list into funded / waitlisted / declined decisions, each explained.

Pure and deterministic (the standard library's seeded ``random`` and scipy's HiGHS); ``allocate`` is the
entry point. Amounts are integer cents throughout; money is formatted with ``grants.i18n.format_money``.

Common rules (both methods)
- Not scored (``score`` None or NaN) -> declined, ``not_scored``. Score below ``fundable_line`` -> declined,
  ``below_line``. A score equal to the line is fundable. Every other application is *fundable*: it ends
  funded or waitlisted.
- Envelopes and region floors are per stream. The cap per organization spans the round: streams are
  processed in sorted code order, and a stream sees the cap room left by the streams before it.
- Floor amount = ceil(share x envelope) in cents, with the share read in decimal (0.08 is exactly 8%).
  An application counts in full toward the floor of every floor region it serves.
- Partial funding (when allowed) gives at least ceil(min_partial_share x request) cents, never 0.
- Waitlist positions are 1, 2, ... per stream in the allocation order (rank order, after any lottery),
  over every fundable application not funded.
- Rationales never name another applicant.

``rank_order`` (the fund's usual rule)
1. Floors first: for each floor region in sorted code order, the fundable applications serving it are
   offered in order until the money funded to projects serving the region reaches the floor.
2. Then every fundable application is offered in order. Funding stops at the first application the
   envelope cannot cover (fully, or partially when allowed): it and every application after it are
   waitlisted (``envelope``), even when a smaller one further down would fit, so that the ranking is
   respected; the leftover stays unspent (envelope - ``funded_by_stream``) and the first waitlisted
   application's rationale names it. A floor pass that meets a non-fitting application ends there too.
3. The organization cap does not stop the list: an application that would take its organization over the
   cap is funded up to the cap when partial funding allows it (``organization_cap``), else waitlisted
   (``organization_cap``) and the next one is offered.
- Rule of a funded application, the first that applies: ``organization_cap`` (amount cut by the cap),
  ``partial`` (cut by the envelope), ``region_floor`` (funded in a floor pass *ahead of* a better-placed
  application that the envelope left out: the floor changed the outcome), else ``rank``. A floor
  application that would have been funded anyway in rank order is reported as ``rank``: saying "funded
  from the floor" to the best-ranked northern project would be untrue.
- Near ties: a tie group *straddles the money line* when some members are funded in order and others
  waitlisted by the envelope (members waitlisted by the cap, or funded from a floor ahead of the line, are
  not at the money line). With ``near_tie="lottery"`` the members of each straddling group, in rank order,
  are shuffled by ``random.Random(f"{seed}:{stream}:{tie_group}")`` (a string seed is hashed with SHA-512:
  the same on every platform and Python run) and put back, in drawn order, into the places the group
  held; the stream is then allocated again, and a group that now straddles gets its own draw, until none
  is left (each group is drawn at most once, so this ends). Every draw is recorded in a ``LotteryDraw`` and
  in the members' rationales. With ``"rank_order"`` the order is kept and the rationales say so.

``optimal``
An exact MILP per stream, solved by HiGHS (``scipy.optimize.milp``): maximize the score-weighted funding
``sum(score_i x amount_i)`` (each dollar weighted by the merit of the project it goes to; among equal scores
the better rank wins through a 1e-7 weight) subject to the envelope, the floors, the cap room each
organization has left, and each amount being 0 or, with partial funding, anything in [ceil(min share x
request), request], else exactly the request. Unlike ``rank_order`` it fills the envelope past an
application that does not fit, and meets floors and caps at the least cost in merit; a partial amount can
fall on any application where that pays (e.g. trimming a better one so that the next gets its minimum
share). Floors are hard constraints when they can be met; when they cannot, phase 1 maximizes the covered
floor amount (``sum min(funded_r, floor_r)``, in cents) and phase 2 the score-weighted funding at that
coverage. ``near_tie`` does not apply (the MILP weighs scores, not places; ties in score go to the better
rank). Funded and unselected applications get ``optimal``; one whose organization has too little cap room
left (from earlier streams) for even its minimum award gets ``organization_cap``.

Speed and exactness. Most applications are clearly in or out: LP reduced costs and a good feasible
solution prove it for all but those near the money line (Lagrangian reduced-cost fixing, see
``_solve_reduced``), and only those go to the MILP, whose optimum is then the optimum: the 10,000-
application benchmark (partial funding) is proven optimal in under a second. HiGHS works in floating point
(1e-7 tolerances): the model is scaled (fractions of the request, money in median requests), and
``_exact_cents`` turns the solution into cents and checks the envelope, caps and minimum shares in integers;
a set of applications that HiGHS's tolerance lets exceed a budget by a cent is cut and the MILP solved
again (only infeasible sets are cut, so the optimum stands). Caveats, reported in the rationales as a
proven relative gap ("at most 0.04% below the optimum"): all-or-nothing awards can leave thousands of
applications open (filling the last dollars is a subset-sum search) and past ``_CORE_LIMIT`` of them the
best solution found is kept; each MILP stops after ``NODE_LIMIT`` nodes. Both budgets count work, not
time, so a result never depends on the machine (``TIME_LIMIT_S`` is only a safety net).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from grants.i18n import format_money

Lang = Literal["fr", "en"]
Outcome = Literal["funded", "waitlisted", "declined"]

NODE_LIMIT = 200  # branch-and-bound nodes per core MILP: a deterministic budget
TIME_LIMIT_S = 60.0  # a safety net only: a solve it cuts could differ from one machine to another
MIP_REL_GAP = 1e-9  # HiGHS stops once the proven relative gap is below this
_TIE_BREAK = 1e-7  # score units: among equal scores the MILP prefers the better rank
_TRIAL_CORE = 100  # applications in the first core MILP
_CORE_LIMIT = 2_500  # largest core solved; past it the best solution found is kept with its proven gap
_ROUNDS = 20  # core solves per model at most (each one grows the core, or cuts a set over a budget by cents)
_NBSP = "\u00a0"

RULES: dict[str, tuple[str, str]] = {
    "not_scored": ("demande non évaluée", "application not scored"),
    "below_line": ("sous le seuil de financement", "below the fundable line"),
    "region_floor": ("financée au titre d’un plancher régional", "funded from a region floor"),
    "rank": ("financée selon l’ordre de classement", "funded in rank order"),
    "partial": ("financement partiel à la limite de l’enveloppe", "partial funding at the money line"),
    "envelope": ("enveloppe épuisée", "envelope spent"),
    "organization_cap": ("plafond par organisme", "cap per organization"),
    "optimal": ("répartition optimale", "optimal allocation"),
}


@dataclass(frozen=True)
class Candidate:
    application_id: int
    reference: str  # e.g. "CSF-2026-00042", for rationales and logs
    stream: str  # "csf" / "iif"
    organization_id: int
    regions: tuple[str, ...]  # region codes the project serves
    requested_cents: int
    score: float | None  # the ranked score (moderated if any, else calibrated); None = not scored
    rank: int | None  # rank within its stream (1 = best); None when not scored
    tie_group: int | None  # near-tie group within its stream (from the ranking); None when not scored


@dataclass(frozen=True)
class Policy:
    fundable_line: float  # minimum score to be funded or waitlisted
    envelopes_cents: Mapping[str, int]  # per stream
    region_floors: Mapping[str, float]  # region -> minimum share of EACH stream's envelope serving it
    max_per_organization_cents: int | None  # cap on one organization's total across the round (all streams)
    partial_funding: bool  # may the last project at the money line get less than asked?
    min_partial_share: float  # ...but at least this share of its request (e.g. 0.75)
    near_tie: Literal["rank_order", "lottery"]  # applications of one tie group straddling the money line
    seed: int  # the lottery's seed (recorded by the caller)
    method: Literal["rank_order", "optimal"] = "rank_order"
    region_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # code -> (fr, en)
    stream_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    application_id: int
    outcome: Outcome
    amount_cents: int  # 0 unless funded
    waitlist_position: int | None  # 1, 2, ... per stream, in allocation order; only waitlisted
    rule: str  # a code from RULES
    rationale_en: str
    rationale_fr: str


@dataclass(frozen=True)
class FloorReport:
    stream: str
    region: str
    required_cents: int
    funded_cents: int
    met: bool
    reason_en: str
    reason_fr: str


@dataclass(frozen=True)
class LotteryDraw:
    stream: str
    tie_group: int
    seed: int
    members: tuple[int, ...]  # application ids in rank order
    order: tuple[int, ...]  # application ids in the drawn order


@dataclass(frozen=True)
class RoundResult:
    decisions: list[Decision]  # one per candidate, in input order
    funded_by_stream: dict[str, int]
    floors: list[FloorReport]
    lotteries: list[LotteryDraw]


def allocate(candidates: Sequence[Candidate], policy: Policy) -> RoundResult:
    """Draft decisions for one award round under ``policy`` (see the module docstring for the rules)."""
    _validate(candidates, policy)
    by_stream: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.score is not None and _is_scored(c) and c.score >= policy.fundable_line:
            by_stream[c.stream].append(c)

    org_used: dict[int, int] = defaultdict(int)
    verdicts: dict[int, _Verdict] = {}
    funded_by_stream: dict[str, int] = {}
    floors: list[FloorReport] = []
    lotteries: list[LotteryDraw] = []
    for stream in sorted(policy.envelopes_cents):
        ctx = _StreamContext.build(stream, by_stream.get(stream, []), policy)
        draws: list[LotteryDraw] = []
        if policy.method == "optimal":
            order, stream_verdicts = ctx.order, _optimal_stream(ctx, org_used)
        else:
            order, stream_verdicts, draws = _rank_order_stream(ctx, org_used)
        _number_waitlist(order, stream_verdicts)
        for c in order:
            org_used[c.organization_id] += stream_verdicts[c.application_id].amount
        verdicts.update(stream_verdicts)
        funded_by_stream[stream] = sum(v.amount for v in stream_verdicts.values())
        floors.extend(_floor_reports(ctx, stream_verdicts))
        lotteries.extend(draws)

    decisions = [_decision(c, verdicts.get(c.application_id), policy) for c in candidates]
    return RoundResult(decisions=decisions, funded_by_stream=funded_by_stream, floors=floors, lotteries=lotteries)


# --- validation and shared arithmetic ------------------------------------------------------


def _validate(candidates: Sequence[Candidate], policy: Policy) -> None:
    if policy.method not in ("rank_order", "optimal"):
        raise ValueError(f"unknown allocation method {policy.method!r}")
    if policy.near_tie not in ("rank_order", "lottery"):
        raise ValueError(f"unknown near-tie rule {policy.near_tie!r}")
    if any(amount < 0 for amount in policy.envelopes_cents.values()):
        raise ValueError("stream envelopes must be >= 0 cents")
    if any(not 0 <= share <= 1 for share in policy.region_floors.values()):
        raise ValueError("region floors must be shares between 0 and 1")
    if policy.max_per_organization_cents is not None and policy.max_per_organization_cents < 0:
        raise ValueError("the cap per organization must be >= 0 cents")
    if policy.partial_funding and not 0 < policy.min_partial_share <= 1:
        raise ValueError("the minimum partial share must be in (0, 1]")
    seen: set[int] = set()
    for c in candidates:
        if c.application_id in seen:
            raise ValueError(f"application {c.application_id} is listed twice")
        seen.add(c.application_id)
        if c.stream not in policy.envelopes_cents:
            raise ValueError(f"{c.reference}: the policy has no envelope for stream {c.stream!r}")
        if c.requested_cents <= 0:
            raise ValueError(f"{c.reference}: the request must be > 0 cents")
        if _is_scored(c) and c.rank is None:
            raise ValueError(f"{c.reference} is scored but has no rank")


def _is_scored(c: Candidate) -> bool:
    return c.score is not None and not math.isnan(c.score)


def _ceil_share(share: float, cents: int) -> int:
    """ceil(share x cents), the share read as the decimal it was written as (0.08, not 0.0800000000000000017)."""
    return int((Decimal(repr(share)) * cents).to_integral_value(rounding=ROUND_CEILING))


def _min_award(c: Candidate, policy: Policy) -> int:
    """Smallest amount ``c`` may receive: its request, or the minimum partial share of it."""
    if not policy.partial_funding:
        return c.requested_cents
    return max(1, min(c.requested_cents, _ceil_share(policy.min_partial_share, c.requested_cents)))


@dataclass
class _Verdict:
    """How one fundable application fared; the rationale is written from it at the end."""

    amount: int = 0
    rule: str = ""
    via_floor: str | None = None  # region whose floor pass funded it (rank_order)
    ahead: bool = False  # funded from a floor ahead of an application the envelope left out
    remaining: int = 0  # envelope left when it was offered (partial, or the first application not covered)
    first_left_out: bool = False  # the first application the envelope could not cover
    stop_rank: int | None = None  # rank of that first application, for the ones after it
    org_used: int = 0  # awarded to its organization before it was offered (cap rules)
    tie_members: int = 0  # size of its near-tie group when the group straddles the money line
    draw_place: int | None = None  # its place in the lottery draw
    proof: str = "optimal"  # optimal method: "optimal" or the proven relative gap as text
    position: int | None = None  # waitlist position

    @property
    def funded(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class _StreamContext:
    stream: str
    envelope: int
    order: list[Candidate]  # fundable applications in rank order
    floors: dict[str, int]  # region -> floor amount, sorted by region code
    policy: Policy

    @classmethod
    def build(cls, stream: str, fundable: list[Candidate], policy: Policy) -> _StreamContext:
        envelope = policy.envelopes_cents[stream]
        order = sorted(fundable, key=lambda c: (c.rank, c.application_id))
        floors = {r: _ceil_share(policy.region_floors[r], envelope) for r in sorted(policy.region_floors)}
        return cls(stream, envelope, order, floors, policy)


def _number_waitlist(order: Iterable[Candidate], verdicts: Mapping[int, _Verdict]) -> None:
    position = 0
    for c in order:
        verdict = verdicts[c.application_id]
        if not verdict.funded:
            position += 1
            verdict.position = position


# --- rank order ----------------------------------------------------------------------------


def _rank_order_stream(
    ctx: _StreamContext, org_used: Mapping[int, int]
) -> tuple[list[Candidate], dict[int, _Verdict], list[LotteryDraw]]:
    """Allocate one stream in rank order, drawing lots for straddling near-tie groups when the policy says so.

    Returns the allocation order (rank order after the draws), the verdicts and the draws.
    """
    policy = ctx.policy
    draws: dict[int, LotteryDraw] = {}
    while True:
        order = _apply_draws(ctx.order, draws)
        verdicts = _offer_in_order(ctx, order, org_used)
        straddling = _straddling_groups(order, verdicts)
        new = sorted(set(straddling) - set(draws)) if policy.near_tie == "lottery" else []
        if not new:
            break
        for group in new:
            members = tuple(c.application_id for c in straddling[group])
            drawn = list(members)
            random.Random(f"{policy.seed}:{ctx.stream}:{group}").shuffle(drawn)
            draws[group] = LotteryDraw(ctx.stream, group, policy.seed, members, tuple(drawn))

    for tied in straddling.values():
        for c in tied:
            verdicts[c.application_id].tie_members = len(tied)
    for draw in draws.values():
        for place, application_id in enumerate(draw.order, start=1):
            verdicts[application_id].tie_members = len(draw.members)
            verdicts[application_id].draw_place = place
    return order, verdicts, [draws[g] for g in sorted(draws)]


def _apply_draws(order: list[Candidate], draws: Mapping[int, LotteryDraw]) -> list[Candidate]:
    """``order`` with each drawn group's members put, in drawn order, into the places the group held."""
    if not draws:
        return list(order)
    by_id = {c.application_id: c for c in order}
    queues = {g: iter(d.order) for g, d in draws.items()}
    return [by_id[next(queues[c.tie_group])] if c.tie_group in queues else c for c in order]


def _offer_in_order(
    ctx: _StreamContext, order: list[Candidate], org_used: Mapping[int, int], *, keep_going: bool = False
) -> dict[int, _Verdict]:
    """Floors first, then the whole list, in ``order``; returns a verdict per application.

    ``keep_going`` skips an application the envelope cannot cover and offers the next ones (the optimal
    method's starting solution) instead of stopping there.
    """
    policy = ctx.policy
    cap = policy.max_per_organization_cents
    used = dict(org_used)
    verdicts = {c.application_id: _Verdict() for c in order}
    remaining = ctx.envelope

    def offer(c: Candidate) -> Literal["funded", "organization_cap", "envelope"]:
        """Fund ``c`` if the cap and the envelope allow (in part when partial funding does); else say why not."""
        nonlocal remaining
        verdict = verdicts[c.application_id]
        verdict.org_used = used.get(c.organization_id, 0)
        verdict.remaining = remaining
        want, least = c.requested_cents, _min_award(c, policy)
        limit, rule = want, ""
        if cap is not None and cap - verdict.org_used < want:
            limit, rule = cap - verdict.org_used, "organization_cap"
            if limit < least:
                return "organization_cap"
        if remaining < limit:
            if remaining < least:
                return "envelope"
            limit, rule = remaining, "partial"
        verdict.amount, verdict.rule = limit, rule
        remaining -= limit
        used[c.organization_id] = verdict.org_used + limit
        return "funded"

    served = {r: [c for c in order if r in c.regions] for r in ctx.floors}
    for region, required in ctx.floors.items():
        funded = sum(verdicts[c.application_id].amount for c in served[region])
        for c in served[region]:
            if funded >= required:
                break
            if verdicts[c.application_id].funded:
                continue
            outcome = offer(c)
            if outcome == "envelope" and not keep_going:
                break
            if outcome == "funded":
                verdicts[c.application_id].via_floor = region
                funded += verdicts[c.application_id].amount

    stop_rank: int | None = None
    for c in order:
        verdict = verdicts[c.application_id]
        if verdict.funded:
            continue
        if stop_rank is not None:
            verdict.rule, verdict.stop_rank = "envelope", stop_rank
            continue
        outcome = offer(c)
        if outcome == "envelope" and keep_going:
            verdict.rule = "envelope"
        elif outcome == "envelope":
            verdict.rule, verdict.first_left_out = "envelope", True
            stop_rank = c.rank
        elif outcome == "organization_cap":
            verdict.rule = "organization_cap"

    # A floor application is credited to the floor only if it got ahead of one the envelope left out.
    left_out_seen = False
    for c in order:
        verdict = verdicts[c.application_id]
        left_out_seen = left_out_seen or verdict.first_left_out
        verdict.ahead = verdict.funded and verdict.via_floor is not None and left_out_seen
        if verdict.funded and not verdict.rule:
            verdict.rule = "region_floor" if verdict.ahead else "rank"
    return verdicts


def _straddling_groups(order: list[Candidate], verdicts: Mapping[int, _Verdict]) -> dict[int, list[Candidate]]:
    """Near-tie groups with members funded in order and members left out by the envelope, in rank order.

    A member funded from a floor ahead of the money line does not count: it is not at the money line.
    """
    groups: dict[int, list[Candidate]] = defaultdict(list)
    for c in order:
        if c.tie_group is not None:
            groups[c.tie_group].append(c)
    straddling = {}
    for group, members in groups.items():
        funded = any(verdicts[c.application_id].funded and not verdicts[c.application_id].ahead for c in members)
        left_out = any(verdicts[c.application_id].rule == "envelope" for c in members)
        if funded and left_out:
            straddling[group] = sorted(members, key=lambda c: (c.rank, c.application_id))
    return straddling


# --- optimal -------------------------------------------------------------------------------


def _optimal_stream(ctx: _StreamContext, org_used: Mapping[int, int]) -> dict[int, _Verdict]:
    """Allocate one stream by MILP: most score-weighted funding within the envelope, floors and cap."""
    policy = ctx.policy
    cap = policy.max_per_organization_cents
    verdicts = {c.application_id: _Verdict(org_used=org_used.get(c.organization_id, 0)) for c in ctx.order}
    pool: list[Candidate] = []
    for c in ctx.order:
        room = None if cap is None else cap - org_used.get(c.organization_id, 0)
        if room is not None and room < _min_award(c, policy):
            verdicts[c.application_id].rule = "organization_cap"
        else:
            pool.append(c)
    if pool:
        amounts, proof = _solve_stream(ctx, pool, org_used)
        for c, amount in zip(pool, amounts, strict=True):
            verdicts[c.application_id].amount = amount
            verdicts[c.application_id].rule = "optimal"
            verdicts[c.application_id].proof = proof
    return verdicts


def _solve_stream(ctx: _StreamContext, pool: list[Candidate], org_used: Mapping[int, int]) -> tuple[list[int], str]:
    """Integer amounts for ``pool`` (in rank order) maximizing sum(score x amount); the second value tells how
    optimal: "optimal", or the worst proven relative gap when a search budget was reached."""
    starts = [_as_fractions(pool, _offer_in_order(ctx, ctx.order, org_used, keep_going=k)) for k in (True, False)]
    # HiGHS checks rows to ~1e-7 of a request: it may accept a set whose requests exceed the envelope or a
    # cap by a cent or two. ``_exact_cents`` catches it in integers; that set (a cover) cannot all be funded,
    # a cut says so, and the stream is solved again. Only infeasible sets are cut, so the optimum stands.
    covers: list[np.ndarray] = []
    while True:
        model = _Model.build(ctx, pool, org_used, covers)
        proofs: list[str] = []
        if model.floors_feasible(starts):
            best = _solve_reduced(model.with_hard_floors(), [v for v in starts if model.meets_floors(v)], proofs)
        else:
            # Phase 1: the least total shortfall (the largest covered floor amount); phase 2 keeps it.
            soft = model.with_soft_floors()
            padded = [soft.pad_shortfall(v) for v in starts]
            first = _solve_reduced(soft.with_cost(soft.shortfall_cost()), padded, proofs)
            least_shortfall = float(soft.shortfall_cost() @ first)
            kept = soft.with_shortfall_at_most(least_shortfall + 0.5 / model.unit)  # within half a cent
            best = _solve_reduced(kept, [first], proofs)
        amounts, cover = _exact_cents(ctx, pool, best[: len(pool)], org_used)
        if cover is None:
            worst = max((float(p) for p in proofs if p != "optimal"), default=None)
            return amounts, "optimal" if worst is None else repr(worst)
        covers.append(cover)


def _as_fractions(pool: list[Candidate], verdicts: Mapping[int, _Verdict]) -> np.ndarray:
    return np.array([verdicts[c.application_id].amount / c.requested_cents for c in pool])


@dataclass(frozen=True)
class _Model:
    """min cost.v subject to matrix @ v <= high, over v = (f, s).

    f_i is the funded fraction of application i's request: 0, or in [least_i, upper_i] (least = upper =
    1 without partial funding; upper < 1 when the cap room is smaller than the request). s are continuous
    shortfall columns in [0, upper] (none unless the floors cannot all be met). Money is in units of the
    median request so that HiGHS's tolerances (1e-7 on rows and reduced costs) sit far below a cent.
    Rows: the envelope, the cap of each organization that it can bind, then one per floor (written as
    -money <= -floor, with + s when soft), then optionally the shortfall bound.
    """

    cost: np.ndarray
    matrix: sparse.csr_array
    high: np.ndarray
    least: np.ndarray
    upper: np.ndarray
    n: int
    unit: float
    floor_rows: sparse.csr_array  # money of each floor over f
    required: np.ndarray  # floor amounts, in units
    least_cents: np.ndarray  # smallest award of each application, in cents
    budgets: tuple[tuple[np.ndarray, int], ...]  # (applications, cents) of each budget row: envelope, caps
    covers: tuple[np.ndarray, ...] = ()  # sets of applications that cannot all be funded (see _solve_stream)

    @classmethod
    def build(
        cls, ctx: _StreamContext, pool: list[Candidate], org_used: Mapping[int, int], covers: list[np.ndarray]
    ) -> _Model:
        policy = ctx.policy
        n = len(pool)
        cap = policy.max_per_organization_cents
        request = np.array([c.requested_cents for c in pool], dtype=np.float64)
        unit = float(np.median(request))
        money = request / unit
        upper = np.ones(n)
        if cap is not None:
            room = np.array([cap - org_used.get(c.organization_id, 0) for c in pool], dtype=np.float64)
            upper = np.minimum(upper, room / request)  # >= the least award: the others are not in the pool
        least = np.array([_min_award(c, policy) for c in pool], dtype=np.float64) / request
        least = np.minimum(least, upper)

        row_of: list[int] = [0] * n
        column_of: list[int] = list(range(n))
        budgets: list[float] = [ctx.envelope / unit]
        in_cents: list[tuple[np.ndarray, int]] = [(np.arange(n), ctx.envelope)]
        if cap is not None:
            members: dict[int, list[int]] = defaultdict(list)
            for i, c in enumerate(pool):
                members[c.organization_id].append(i)
            for org, columns in sorted(members.items()):
                room_left = cap - org_used.get(org, 0)
                if len(columns) > 1 and request[columns].sum() > room_left:
                    row_of += [len(budgets)] * len(columns)
                    column_of += columns
                    budgets.append(room_left / unit)
                    in_cents.append((np.array(columns), room_left))
        budget_rows = sparse.csr_array((money[column_of], (row_of, column_of)), shape=(len(budgets), n))
        serving = [(k, i) for k, r in enumerate(ctx.floors) for i, c in enumerate(pool) if r in c.regions]
        floor_rows = sparse.csr_array(
            ([money[i] for _, i in serving], ([k for k, _ in serving], [i for _, i in serving])),
            shape=(len(ctx.floors), n),
        )
        scores = np.array([c.score for c in pool], dtype=np.float64)
        cost = -(scores + _TIE_BREAK * (1.0 - np.arange(n) / n)) * money
        required = np.array(list(ctx.floors.values()), dtype=np.float64) / unit
        least_cents = np.array([_min_award(c, policy) for c in pool], dtype=np.int64)
        return cls(
            cost,
            budget_rows,
            np.array(budgets),
            least,
            upper,
            n,
            unit,
            floor_rows,
            required,
            least_cents,
            tuple(in_cents),
            tuple(covers),
        )

    def funds_a_cover(self, v: np.ndarray) -> bool:
        return any(bool(np.all(v[cover] > 1e-9)) for cover in self.covers)

    def broken_cover(self, v: np.ndarray) -> np.ndarray | None:
        """The funded applications of a budget row whose least awards alone exceed it, in exact cents."""
        funded = v[: self.n] > 1e-9
        for members, cents in self.budgets:
            chosen = members[funded[members]]
            if int(self.least_cents[chosen].sum()) > cents:
                return chosen
        return None

    def with_cover(self, cover: np.ndarray) -> _Model:
        return replace(self, covers=(*self.covers, cover))

    def meets_floors(self, v: np.ndarray) -> bool:
        # Starting solutions are exact cents: a cent of slack absorbs the rounding of f = amount / request.
        return bool(np.all(self.floor_rows @ v[: self.n] >= self.required - 0.01 / self.unit))

    def floors_feasible(self, starts: list[np.ndarray]) -> bool:
        return len(self.required) == 0 or any(self.meets_floors(v) for v in starts)

    def with_hard_floors(self) -> _Model:
        matrix = sparse.vstack([self.matrix, -self.floor_rows]).tocsr()
        return replace(self, matrix=matrix, high=np.r_[self.high, -self.required])

    def with_soft_floors(self) -> _Model:
        m = len(self.required)
        top = sparse.hstack([self.matrix, sparse.csr_array((self.matrix.shape[0], m))])
        bottom = sparse.hstack([-self.floor_rows, -sparse.identity(m)])
        return replace(
            self,
            cost=np.r_[self.cost, np.zeros(m)],
            matrix=sparse.vstack([top, bottom]).tocsr(),
            high=np.r_[self.high, -self.required],
            upper=np.r_[self.upper, self.required],
        )

    def shortfall_cost(self) -> np.ndarray:
        return np.r_[np.zeros(self.n), np.ones(len(self.cost) - self.n)]

    def pad_shortfall(self, v: np.ndarray) -> np.ndarray:
        return np.r_[v, np.maximum(self.required - self.floor_rows @ v, 0.0)]

    def with_cost(self, cost: np.ndarray) -> _Model:
        return replace(self, cost=cost)

    def with_shortfall_at_most(self, bound: float) -> _Model:
        row = sparse.csr_array(self.shortfall_cost()[None, :])
        return replace(self, matrix=sparse.vstack([self.matrix, row]).tocsr(), high=np.r_[self.high, bound])


def _solve_reduced(model: _Model, starts: list[np.ndarray], proofs: list[str]) -> np.ndarray:
    """Optimum of ``model``, solved on the applications near the money line; appends how optimal to ``proofs``.

    Lagrangian reduced-cost fixing. The LP relaxation (f in [0, upper]) gives row prices y >= 0. For ANY y,
    L = -y.high + sum_j min(0, d_j upper_j), d = cost + matrix' y, is a lower bound, and a feasible v costs
    at least L + sum_j (d_j v_j - min(0, d_j upper_j)), each term >= 0. So, with a feasible solution of cost
    z0 and G = z0 - L, in every solution at least as good: an application with d_j > 0 and d_j least_j > G
    is unfunded; one with d_j < 0 and -d_j upper_j > G is funded, with f_j >= upper_j - G / -d_j. The others
    are *open*. L is recomputed from y here, so an inexact LP only fixes less.

    A *core* MILP leaves a set C of open applications free (binary), lets each settled funded one take any
    amount in its range (continuous), and holds every other application at the incumbent's value (which
    keeps the incumbent feasible, so the core can only improve it). Once C holds every open application,
    the core contains every solution at least as good as the incumbent, so its optimum is the optimum.
    C starts as the ``_TRIAL_CORE`` applications cheapest to move and grows to the open set until that
    holds (exact: the usual case with partial funding) or passes ``_CORE_LIMIT`` (all-or-nothing awards can
    leave thousands open: filling the last dollars is a subset-sum search), when the best solution found
    is kept with its proven relative gap (z0 - L) / |L|.
    """
    n = model.n
    upper, least = model.upper, model.least
    relaxed = linprog(
        model.cost, A_ub=model.matrix, b_ub=model.high, bounds=np.c_[np.zeros(len(upper)), upper], method="highs"
    )
    if relaxed.status == 0:
        prices = np.maximum(-np.asarray(relaxed.ineqlin.marginals), 0.0)
        reduced = model.cost + model.matrix.T @ prices
        bound = float(-prices @ model.high + np.minimum(reduced * upper, 0.0).sum())
        d = reduced[:n]
        lp_value = np.where(d > 0, 0.0, np.where(d < 0, upper[:n], np.asarray(relaxed.x)[:n]))
    else:  # no prices: every application stays open
        bound, d, lp_value = -np.inf, np.zeros(n), np.zeros(n)
    # An application that costs nothing and only uses money (one serving no floor region, when phase 1
    # minimizes the floors' shortfall) can be left unfunded in some optimum: it is fixed out.
    useless = (model.cost[:n] >= 0) & (model.matrix.tocsc()[:, :n].min(axis=0).toarray().ravel() >= 0)
    penalty = np.where(useless, np.inf, np.where(d > 0, d * least, -d * upper[:n]))

    def feasible(v: np.ndarray | None) -> bool:
        # HiGHS's own tolerance on the rows; the exact test in cents is ``broken_cover`` and _exact_cents.
        return (
            v is not None
            and bool(np.all(model.matrix @ v <= model.high + 1e-6 * (1.0 + np.abs(model.high))))
            and model.broken_cover(v) is None
            and not model.funds_a_cover(v)
        )

    found = [np.where(np.r_[useless, np.zeros(len(upper) - n, bool)], 0.0, _top_up(model, v)) for v in starts]
    found = [v for v in found if feasible(v)]

    def settled(gap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Open applications, and the fraction range every solution within ``gap`` of L gives the others."""
        slack = gap + 1e-9 * (1.0 + abs(bound))
        open_ = penalty <= slack
        low, high = np.zeros(n), np.zeros(n)
        funded = (d < 0) & ~open_
        with np.errstate(divide="ignore"):
            low[funded] = np.maximum(least[funded], upper[:n][funded] - slack / -d[funded])
        high[funded] = upper[:n][funded]
        return open_, low, high

    core = np.zeros(n, dtype=bool)
    core[np.argsort(penalty, kind="stable")[: min(_TRIAL_CORE, int((~useless).sum()))]] = True
    for _ in range(_ROUNDS):
        best = _best(model, found) if found else None
        gap = np.inf if best is None else float(model.cost @ best) - bound
        open_, low, high = settled(gap)
        # Outside the core: settled applications over their range, open ones held where the incumbent (or,
        # before there is one, the LP) has them.
        hold = np.where(~core & open_, lp_value if best is None else best[:n], 0.0)
        low, high = np.where(~core & open_, hold, low), np.where(~core & open_, hold, high)
        solution, optimal, core_gap = _solve_core(model, core, low, high)
        cover = None if solution is None else model.broken_cover(solution)
        if cover is not None:  # over a budget by cents within HiGHS's tolerance: cut that set, solve again
            model = model.with_cover(cover)
            continue
        if feasible(solution):
            found.append(solution)  # type: ignore[arg-type]
        if not found:
            if core[~useless].all():
                raise RuntimeError("the allocation MILP found no solution")
            core |= ~useless  # the LP's side was infeasible: solve the whole problem
            continue
        best = _best(model, found)
        z0 = float(model.cost @ best)
        gap = z0 - bound
        relative = gap / max(abs(bound), abs(z0), 1e-12)
        if relative <= 1e-9:  # the bound is reached: nothing can do better
            proofs.append("optimal")
            return best
        # Exact when the core solve let every application range over all it can take in a solution as good
        # as the best one: open ones free, settled ones over (at least) their range.
        now_open, need_low, need_high = settled(gap)
        outside = ~core
        covered = not (now_open & outside).any() and bool(
            np.all(low[outside] <= need_low[outside] + 1e-12) and np.all(high[outside] >= need_high[outside] - 1e-12)
        )
        if covered:
            proofs.append("optimal" if optimal else repr(min(core_gap, relative)))
            return best
        if (now_open | core).sum() > _CORE_LIMIT:
            break
        core |= now_open
    if not found:
        raise RuntimeError("the allocation MILP found no solution")
    best = _best(model, found)
    z0 = float(model.cost @ best)
    proofs.append(repr(max((z0 - bound) / max(abs(bound), abs(z0), 1e-12), 1e-9)))
    return best


def _top_up(model: _Model, v: np.ndarray) -> np.ndarray:
    """``v`` with money left in the budget rows given, in rank order, to applications it can still fund.

    Phase 2's starting solution is phase 1's, which funds only what covers the floors; adding money never
    uncovers a floor, so this keeps it feasible and makes it a good incumbent.
    """
    v = v.copy()
    columns = model.matrix.tocsc()
    slack = model.high - columns @ v
    for j in range(model.n):
        span = slice(columns.indptr[j], columns.indptr[j + 1])
        rows, coefficients = columns.indices[span], columns.data[span]
        uses = coefficients > 0
        room = float(np.min(slack[rows[uses]] / coefficients[uses])) if uses.any() else np.inf
        add = min(model.upper[j] - v[j], room * (1 - 1e-12))
        if add > 1e-12 and v[j] + add >= model.least[j]:
            v[j] += add
            slack[rows] -= coefficients * add
    return v


def _best(model: _Model, found: list[np.ndarray]) -> np.ndarray:
    """The cheapest solution; the earliest among equals (the starting solutions come first)."""
    return min(found, key=lambda v: float(model.cost @ v))


def _solve_core(
    model: _Model, free: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray | None, bool, float]:
    """``model`` with the ``free`` applications decided by binaries and every other one's fraction in
    [low, high] (equal bounds fix it). Returns the solution (None when infeasible), whether HiGHS proved
    it optimal, and its relative gap."""
    n = model.n
    matrix = model.matrix.tocsc()
    fixed = np.zeros(len(model.cost))
    held = ~free & (low >= high)
    fixed[:n][held] = low[held]
    high_rows = model.high - matrix @ fixed
    # Columns: a free application with a range of amounts gets (f, x), least x <= f <= upper x; one with a
    # single amount (least == upper) is a binary scaled by upper; then the continuous ranges; shortfalls.
    ranged = np.flatnonzero(free & (model.least < model.upper[:n]))
    single = np.flatnonzero(free & (model.least >= model.upper[:n]))
    loose = np.flatnonzero(~free & ~held)
    extra = np.arange(n, len(model.cost))
    scale = model.upper[single]
    k = len(ranged)
    blocks = [
        matrix[:, ranged],
        matrix[:, single] @ sparse.diags(scale),
        matrix[:, loose],
        matrix[:, extra],
        sparse.csc_array((matrix.shape[0], k)),
    ]
    sizes = [b.shape[1] for b in blocks]
    width = sum(sizes)
    if width == 0:
        return (fixed if np.all(high_rows >= -1e-9) and not model.funds_a_cover(fixed) else None), True, 0.0
    cost = np.r_[model.cost[ranged], model.cost[single] * scale, model.cost[loose], model.cost[extra], np.zeros(k)]
    lower_bounds = np.r_[np.zeros(k + len(single)), low[loose], np.zeros(len(extra) + k)]
    upper_bounds = np.r_[model.upper[ranged], np.ones(len(single)), high[loose], model.upper[extra], np.ones(k)]
    integrality = np.r_[np.zeros(k), np.ones(len(single)), np.zeros(len(loose) + len(extra)), np.ones(k)]
    constraints = [LinearConstraint(sparse.hstack(blocks).tocsr(), -np.inf, high_rows)]
    if k:
        eye = sparse.identity(k, format="csr")
        pad = sparse.csr_array((k, width - 2 * k))
        link_upper = sparse.hstack([eye, pad, -sparse.diags(model.upper[ranged])]).tocsr()
        link_least = sparse.hstack([eye, pad, -sparse.diags(model.least[ranged])]).tocsr()
        constraints += [LinearConstraint(link_upper, -np.inf, 0.0), LinearConstraint(link_least, 0.0, np.inf)]
    # Cover cuts: not every application of a cover funded (those held funded count as funded).
    column_of = {int(j): at for j, at in zip(ranged, range(width - k, width), strict=True)}
    column_of.update({int(j): at for j, at in zip(single, range(k, k + len(single)), strict=True)})
    for cover in model.covers:
        held_funded = int(np.sum(~free[cover] & (low[cover] > 1e-12)))
        columns = [column_of[int(j)] for j in cover if free[j]]
        if held_funded == len(cover):
            return None, True, 0.0
        row = sparse.csr_array((np.ones(len(columns)), ([0] * len(columns), columns)), shape=(1, width))
        constraints.append(LinearConstraint(row, -np.inf, len(cover) - 1 - held_funded))
    result = milp(
        cost,
        integrality=integrality,
        bounds=Bounds(lower_bounds, upper_bounds),
        constraints=constraints,
        options={"node_limit": NODE_LIMIT, "time_limit": TIME_LIMIT_S, "mip_rel_gap": MIP_REL_GAP, "presolve": True},
    )
    if result.x is None:
        if result.status == 2:
            return None, True, 0.0
        raise RuntimeError(f"the allocation MILP found no solution: {result.message}")
    x = np.asarray(result.x)
    at = np.cumsum([0, *sizes])
    v = fixed.copy()
    v[ranged] = np.where(np.round(x[at[4] : at[5]]) > 0, x[at[0] : at[1]], 0.0)
    v[single] = np.round(x[at[1] : at[2]]) * scale
    v[loose] = x[at[2] : at[3]]
    v[extra] = x[at[3] : at[4]]
    return v, result.status == 0, float(getattr(result, "mip_gap", 0.0) or 0.0)


def _exact_cents(
    ctx: _StreamContext, pool: list[Candidate], fraction: np.ndarray, org_used: Mapping[int, int]
) -> tuple[list[int], np.ndarray | None]:
    """Cents from the solver's fractions, the hard rules checked in integers; or the cover it breaks.

    A partial amount is set by a tight row (envelope, cap or floor) whose other terms are whole cents, so
    rounding to the nearest cent recovers it. A cent the solver's tolerance leaves over the envelope or a
    cap is taken back from partial amounts (worst-ranked first), and a cent missing from a floor is added
    to one where the envelope and cap allow. When the least awards of a budget's funded applications
    already exceed it, that set is returned as a cover (no amounts can fix it).
    """
    policy = ctx.policy
    cap = policy.max_per_organization_cents
    least = [_min_award(c, policy) for c in pool]
    most = [
        c.requested_cents if cap is None else min(c.requested_cents, cap - org_used.get(c.organization_id, 0))
        for c in pool
    ]
    amounts = [
        0 if f <= 1e-9 else min(max(round(float(f) * c.requested_cents), least[i]), most[i])
        for i, (c, f) in enumerate(zip(pool, fraction, strict=True))
    ]
    by_org: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(pool):
        by_org[c.organization_id].append(i)

    def org_room(i: int) -> int:
        if cap is None:
            return ctx.envelope
        org = pool[i].organization_id
        return cap - org_used.get(org, 0) - sum(amounts[j] for j in by_org[org])

    def take_back(excess: int, members: Sequence[int]) -> np.ndarray | None:
        for i in sorted(members, reverse=True):
            cut = min(excess, amounts[i] - least[i]) if amounts[i] else 0
            amounts[i] -= cut
            excess -= cut
        return np.array([i for i in members if amounts[i]]) if excess > 0 else None

    for members in by_org.values():
        if cap is not None and org_room(members[0]) < 0:
            cover = take_back(-org_room(members[0]), members)
            if cover is not None:
                return amounts, cover
    if sum(amounts) > ctx.envelope:
        cover = take_back(sum(amounts) - ctx.envelope, range(len(pool)))
        if cover is not None:
            return amounts, cover
    for region, required in ctx.floors.items():
        serving = [i for i, c in enumerate(pool) if region in c.regions and amounts[i]]
        for i in serving:
            missing = required - sum(amounts[j] for j in serving)
            if missing <= 0:
                break
            add = min(missing, most[i] - amounts[i], ctx.envelope - sum(amounts), org_room(i))
            amounts[i] += max(add, 0)
    return amounts, None


# --- reports and rationales ----------------------------------------------------------------


def _floor_reports(ctx: _StreamContext, verdicts: Mapping[int, _Verdict]) -> list[FloorReport]:
    policy = ctx.policy
    reports = []
    for region, required in ctx.floors.items():
        served = [c for c in ctx.order if region in c.regions]
        funded = sum(verdicts[c.application_id].amount for c in served)
        met = funded >= required
        name_en, name_fr = _region_names(policy, region)
        stream_en, stream_fr = _stream_names(policy, ctx.stream)
        share_en, share_fr = _percent(policy.region_floors[region], "en"), _percent(policy.region_floors[region], "fr")
        money = {lang: (format_money(funded, lang), format_money(required, lang)) for lang in ("en", "fr")}
        envelope_en, envelope_fr = format_money(ctx.envelope, "en"), format_money(ctx.envelope, "fr")
        en = (
            f"The {name_en} floor in {stream_en} is {'met' if met else 'not met'}: {money['en'][0]} went to projects "
            f"serving the region, against {money['en'][1]} required ({share_en} of the {envelope_en} envelope)."
        )
        fr = (
            f"Le plancher de la région {name_fr} dans {stream_fr} {'est atteint' if met else 'n’est pas atteint'}"
            f"{_NBSP}: {money['fr'][0]} sont allés à des projets qui desservent la région, pour {money['fr'][1]} "
            f"requis ({share_fr} de l’enveloppe de {envelope_fr})."
        )
        if not met:
            why_en, why_fr = _floor_shortfall_reason(ctx, region, served, verdicts)
            en, fr = f"{en} {why_en}", f"{fr} {why_fr}"
        reports.append(FloorReport(ctx.stream, region, required, funded, met, en, fr))
    return reports


def _floor_shortfall_reason(
    ctx: _StreamContext, region: str, served: list[Candidate], verdicts: Mapping[int, _Verdict]
) -> tuple[str, str]:
    name_en, name_fr = _region_names(ctx.policy, region)
    requested = sum(c.requested_cents for c in served)
    if requested < ctx.floors[region]:
        return (
            f"There are not enough fundable applications serving the {name_en} region: their requests total "
            f"{format_money(requested, 'en')}.",
            f"Il n’y a pas assez de demandes finançables qui desservent la région {name_fr}{_NBSP}: leurs demandes "
            f"totalisent {format_money(requested, 'fr')}.",
        )
    capped = [c for c in served if verdicts[c.application_id].rule == "organization_cap"]
    uncapped = requested - sum(c.requested_cents - verdicts[c.application_id].amount for c in capped)
    if capped and uncapped < ctx.floors[region]:
        if len(capped) == 1:
            return (
                "The cap per organization keeps a fundable application serving the region from being funded in full.",
                "Le plafond par organisme empêche de financer en entier une demande finançable qui dessert la région.",
            )
        return (
            f"The cap per organization keeps {len(capped)} fundable applications serving the region from being "
            "funded in full.",
            f"Le plafond par organisme empêche de financer en entier {len(capped)} demandes finançables qui "
            "desservent la région.",
        )
    if ctx.policy.method == "optimal":
        return (
            "The stream's floors, envelope and cap per organization cannot all be met together; the allocation "
            "covers as much of the floors as possible.",
            "Les planchers, l’enveloppe et le plafond par organisme du volet ne peuvent pas tous être respectés "
            "ensemble; la répartition couvre les planchers autant que possible.",
        )
    return (
        "The envelope could not cover enough fundable applications serving the region in rank order.",
        "L’enveloppe ne pouvait pas couvrir assez de demandes finançables qui desservent la région, dans l’ordre "
        "de classement.",
    )


def _decision(c: Candidate, verdict: _Verdict | None, policy: Policy) -> Decision:
    if c.score is None or not _is_scored(c):
        return Decision(
            c.application_id,
            "declined",
            0,
            None,
            "not_scored",
            "Declined. The application was not scored, so it could not be ranked against the fundable line.",
            "Refusée. La demande n’a pas été évaluée; elle ne pouvait donc pas être classée par rapport au seuil "
            "de financement.",
        )
    score_en, line_en = _score_pair(c.score, policy.fundable_line, "en")
    score_fr, line_fr = _score_pair(c.score, policy.fundable_line, "fr")
    if verdict is None:
        return Decision(
            c.application_id,
            "declined",
            0,
            None,
            "below_line",
            f"Declined. Score {score_en} is below the fundable line {line_en}.",
            f"Refusée. La note de {score_fr} est inférieure au seuil de financement de {line_fr}.",
        )
    stream_en, stream_fr = _stream_names(policy, c.stream)
    meets = c.score == policy.fundable_line
    merit_en = (
        f"Score {score_en} {'meets' if meets else 'is above'} the fundable line {line_en} "
        f"(rank {c.rank} in {stream_en})."
    )
    merit_fr = (
        f"La note de {score_fr} {'atteint le' if meets else 'est supérieure au'} seuil de financement de {line_fr} "
        f"(rang {c.rank} dans {stream_fr})."
    )
    if verdict.funded:
        en, fr = _funded_sentences(c, verdict, policy)
        outcome: Outcome = "funded"
    else:
        en, fr = _waitlisted_sentences(c, verdict, policy)
        outcome = "waitlisted"
    en.insert(1, merit_en)
    fr.insert(1, merit_fr)
    if verdict.tie_members:
        others = verdict.tie_members - 1
        tied_en = f"It was tied with {others} other application{'s' if others > 1 else ''} at the money line"
        tied_fr = (
            f"Elle était à égalité avec {others} autre{'s' if others > 1 else ''} "
            f"demande{'s' if others > 1 else ''} à la limite du financement"
        )
        if verdict.draw_place is not None:
            en.append(
                f"{tied_en}; their order was drawn by lot (seed {policy.seed}) and this application drew "
                f"place {verdict.draw_place} of {verdict.tie_members}."
            )
            fr.append(
                f"{tied_fr}; leur ordre a été tiré au sort (germe {policy.seed}) et cette demande a obtenu la "
                f"place {verdict.draw_place} sur {verdict.tie_members}."
            )
        else:
            en.append(f"{tied_en}; they were kept in rank order.")
            fr.append(f"{tied_fr}; elles ont été gardées dans l’ordre de classement.")
    return Decision(
        c.application_id,
        outcome,
        verdict.amount,
        verdict.position,
        verdict.rule,
        " ".join(en),
        " ".join(fr),
    )


def _funded_sentences(c: Candidate, v: _Verdict, policy: Policy) -> tuple[list[str], list[str]]:
    amount_en, amount_fr = format_money(v.amount, "en"), format_money(v.amount, "fr")
    if v.amount == c.requested_cents:
        en = [f"Funded {amount_en}, the full amount requested."]
        fr = [f"Financée à {amount_fr}, le plein montant demandé."]
    else:
        share = v.amount / c.requested_cents
        request_en = format_money(c.requested_cents, "en")
        en = [f"Funded {amount_en} of the {request_en} requested ({_percent(share, 'en')})."]
        fr = [
            f"Financée à {amount_fr} sur les {format_money(c.requested_cents, 'fr')} demandés "
            f"({_percent(share, 'fr')})."
        ]
    least_en, least_fr = _percent(policy.min_partial_share, "en"), _percent(policy.min_partial_share, "fr")
    if v.rule == "organization_cap":
        cap = policy.max_per_organization_cents or 0
        en.append(
            f"Awards to one organization in this round are capped at {format_money(cap, 'en')} and "
            f"{format_money(v.org_used, 'en')} was already awarded to it; partial funding of at least {least_en} of "
            "a request is allowed."
        )
        fr.append(
            f"Les sommes accordées à un même organisme dans cette ronde sont plafonnées à {format_money(cap, 'fr')} "
            f"et {format_money(v.org_used, 'fr')} lui étaient déjà accordés; un financement partiel d’au moins "
            f"{least_fr} de la demande est permis."
        )
    elif v.rule == "partial":
        en.append(
            f"Only {amount_en} remained in the envelope when its turn came, and partial funding of at least "
            f"{least_en} of a request is allowed."
        )
        fr.append(
            f"Il ne restait que {amount_fr} dans l’enveloppe à son tour, et un financement partiel d’au moins "
            f"{least_fr} de la demande est permis."
        )
    elif v.rule == "optimal" and v.amount < c.requested_cents:
        en.append(f"Partial funding of at least {least_en} of a request is allowed.")
        fr.append(f"Un financement partiel d’au moins {least_fr} de la demande est permis.")
    if v.rule == "optimal":
        en.append(_optimal_sentence(c, v, policy, "en", selected=True))
        fr.append(_optimal_sentence(c, v, policy, "fr", selected=True))
    elif v.ahead and v.via_floor is not None:
        region = v.via_floor
        name_en, name_fr = _region_names(policy, region)
        share = policy.region_floors[region]
        en.append(
            f"It was funded from the {name_en} region floor ({_percent(share, 'en')} of the envelope), ahead of "
            "better-placed applications."
        )
        fr.append(
            f"Elle est financée au titre du plancher de la région {name_fr} ({_percent(share, 'fr')} de "
            "l’enveloppe), avant des demandes mieux placées."
        )
    else:
        en.append("It was funded in rank order.")
        fr.append("Elle est financée selon l’ordre de classement.")
    return en, fr


def _waitlisted_sentences(c: Candidate, v: _Verdict, policy: Policy) -> tuple[list[str], list[str]]:
    stream_en, stream_fr = _stream_names(policy, c.stream)
    en = [f"Waitlisted, position {v.position} in {stream_en}."]
    fr = [f"En liste d’attente, position {v.position} dans {stream_fr}."]
    request_en, request_fr = format_money(c.requested_cents, "en"), format_money(c.requested_cents, "fr")
    least = _min_award(c, policy)
    if v.rule == "organization_cap":
        cap = policy.max_per_organization_cents or 0
        room = max(cap - v.org_used, 0)
        partial = policy.partial_funding and least < c.requested_cents
        en.append(
            f"Awards to one organization in this round are capped at {format_money(cap, 'en')} and "
            f"{format_money(v.org_used, 'en')} was already awarded to it, which leaves {format_money(room, 'en')}: "
            f"less than the {request_en} requested"
            + (f" and than the minimum partial award of {format_money(least, 'en')}." if partial else ".")
        )
        fr.append(
            f"Les sommes accordées à un même organisme dans cette ronde sont plafonnées à {format_money(cap, 'fr')} "
            f"et {format_money(v.org_used, 'fr')} lui étaient déjà accordés, ce qui laisse "
            f"{format_money(room, 'fr')}{_NBSP}: moins que les {request_fr} demandés"
            + (f" et que le financement partiel minimal de {format_money(least, 'fr')}." if partial else ".")
        )
    elif v.rule == "optimal":
        en.append(_optimal_sentence(c, v, policy, "en", selected=False))
        fr.append(_optimal_sentence(c, v, policy, "fr", selected=False))
    elif v.first_left_out and policy.envelopes_cents[c.stream] == 0:
        en.append("The stream's envelope is empty.")
        fr.append("L’enveloppe du volet est vide.")
    elif v.first_left_out and v.remaining == 0:
        en.append("The envelope was already spent on the applications placed ahead of it.")
        fr.append("L’enveloppe était déjà dépensée pour les demandes placées avant elle.")
    elif v.first_left_out:
        partial = policy.partial_funding and least < c.requested_cents
        en.append(
            f"Only {format_money(v.remaining, 'en')} remained in the envelope, less than the {request_en} requested"
            + (f" and than the minimum partial award of {format_money(least, 'en')}" if partial else "")
            + "; funding stops at the first application that does not fit, so that the order is respected."
        )
        fr.append(
            f"Il ne restait que {format_money(v.remaining, 'fr')} dans l’enveloppe, moins que les {request_fr} "
            "demandés"
            + (f" et que le financement partiel minimal de {format_money(least, 'fr')}" if partial else "")
            + "; le financement s’arrête à la première demande qui n’entre pas, pour respecter l’ordre."
        )
    else:
        en.append(
            f"The envelope ran out at an application placed ahead of it (rank {v.stop_rank}), and funding stops "
            "there so that the order is respected."
        )
        fr.append(
            f"L’enveloppe s’est épuisée à une demande placée avant elle (rang {v.stop_rank}), et le financement "
            "s’arrête là pour respecter l’ordre."
        )
    return en, fr


def _optimal_sentence(c: Candidate, v: _Verdict, policy: Policy, lang: Lang, *, selected: bool) -> str:
    stream_en, stream_fr = _stream_names(policy, c.stream)
    if v.proof == "optimal":
        proof = " (proven optimal)" if lang == "en" else " (optimum prouvé)"
    else:
        gap = _gap_text(float(v.proof), lang)
        proof = (
            f" (the best allocation found within the search limit, at most {gap} below the optimum)"
            if lang == "en"
            else f" (meilleure répartition trouvée dans la limite de recherche, à au plus {gap} de l’optimum)"
        )
    if lang == "en":
        verb = "selected it" if selected else "did not select it"
        return (
            f"The optimal allocation, which maximizes the score-weighted funding of {stream_en} within its envelope, "
            f"region floors and cap per organization, {verb}{proof}."
        )
    verb = "l’a retenue" if selected else "ne l’a pas retenue"
    return (
        f"La répartition optimale, qui maximise le financement pondéré par les notes dans {stream_fr} en respectant "
        f"l’enveloppe, les planchers régionaux et le plafond par organisme, {verb}{proof}."
    )


def _stream_names(policy: Policy, stream: str) -> tuple[str, str]:
    """("the Community Fund stream", "le volet Fonds communautaire"), the code when no name is given."""
    fr, en = policy.stream_names.get(stream, (stream, stream))
    return f"the {en} stream", f"le volet {fr}"


def _region_names(policy: Policy, region: str) -> tuple[str, str]:
    fr, en = policy.region_names.get(region, (region, region))
    return en, fr


def _score_pair(score: float, line: float, lang: Lang) -> tuple[str, str]:
    """Score and line with 2 decimals, more when 2 would show two different numbers as equal."""
    decimals = 2
    while decimals < 6 and score != line and f"{score:.{decimals}f}" == f"{line:.{decimals}f}":
        decimals += 1
    pair = f"{score:.{decimals}f}", f"{line:.{decimals}f}"
    return pair if lang == "en" else (pair[0].replace(".", ","), pair[1].replace(".", ","))


def _percent(share: float, lang: Lang) -> str:
    """8% / 8 %, 79.99% (rounded down to 2 decimals, so a partial award never shows as 100%)."""
    value = (Decimal(repr(share)) * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return _percent_text(value, lang)


def _gap_text(gap: float, lang: Lang) -> str:
    """A relative gap as a percentage with 2 significant digits, rounded up (it is an upper bound)."""
    percent = Decimal(repr(gap)) * 100
    decimals = max(0, 1 - math.floor(math.log10(gap * 100))) if gap > 0 else 2
    return _percent_text(percent.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_CEILING), lang)


def _percent_text(value: Decimal, lang: Lang) -> str:
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}%" if lang == "en" else f"{text.replace('.', ',')}{_NBSP}%"
