"""Award rounds, database side: candidates and policy in, draft decisions stored, approval.

The allocation itself is a pure function in ``scoring.allocation``; ``workflows.awards``
joins the two. A round is a draft until a second manager approves it; a dry run never
can be. Approval makes the decisions final and creates each funded project's milestones.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import call_spec, get_call
from grants.callspec import CallSpec, RoundPolicySpec, to_cents
from grants.db import lock, table, unit_of_work
from grants.errors import DomainError, InvalidInput, NotFound
from grants.lifecycle import check_transition
from grants.models import (
    Application,
    ApplicationScore,
    ApplicationStatus,
    Assignment,
    AwardRound,
    Call,
    Decision,
    Milestone,
    Moderation,
    Organization,
    Review,
    Stream,
    utcnow,
)
from grants.payments import payment_schedule

RoundKind = Literal["initial", "waitlist"]
FUNDED_STATES = (ApplicationStatus.funded.value, ApplicationStatus.active.value, ApplicationStatus.completed.value)


class RoundRefused(DomainError):
    code = "round_refused"


class RoundStale(RoundRefused):
    """Reviews or scores changed since the round ran: it can never be approved."""


@dataclass(frozen=True)
class ResolvedPolicy:
    """The call's award policy with a round's overrides applied; what the allocation needs."""

    fundable_line: float
    envelopes_cents: dict[str, int]
    region_floors: dict[str, float]
    max_per_organization_cents: int | None
    partial_funding: bool
    min_partial_share: float
    near_tie: Literal["rank_order", "lottery"]
    method: Literal["rank_order", "optimal"]
    seed: int

    def as_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.__dict__))


def resolve_policy(spec: CallSpec, override: RoundPolicySpec | None, *, seed: int | None = None) -> ResolvedPolicy:
    """The call file's ``[award]`` policy, overridden by a round's policy file; a seed is drawn if none is given."""
    base = spec.award
    o = override or RoundPolicySpec()
    streams = {s.code: to_cents(s.envelope) for s in spec.streams}
    for code, dollars in (o.envelopes or {}).items():
        if code not in streams:
            raise InvalidInput(en=f"unknown stream {code!r}", fr=f"volet inconnu {code!r}", field=f"envelopes.{code}")
        streams[code] = to_cents(dollars)
    floors = {k: float(v) for k, v in (o.region_floors if o.region_floors is not None else base.region_floors).items()}
    unknown = sorted(set(floors) - spec.region_codes)
    if unknown:
        raise InvalidInput(
            en=f"unknown region {unknown[0]!r}",
            fr=f"région inconnue {unknown[0]!r}",
            field=f"region_floors.{unknown[0]}",
        )
    cap = o.max_per_organization if o.max_per_organization is not None else base.max_per_organization
    chosen_seed = seed if seed is not None else (o.seed if o.seed is not None else secrets.randbelow(10**9))
    return ResolvedPolicy(
        fundable_line=o.fundable_line if o.fundable_line is not None else base.fundable_line,
        envelopes_cents=streams,
        region_floors=floors,
        max_per_organization_cents=to_cents(cap) if cap is not None else None,
        partial_funding=o.partial_funding if o.partial_funding is not None else base.partial_funding,
        min_partial_share=float(o.min_partial_share if o.min_partial_share is not None else base.min_partial_share),
        near_tie=o.near_tie or base.near_tie,
        method=o.method or "rank_order",
        seed=chosen_seed,
    )


@dataclass(frozen=True)
class CandidateRow:
    application_id: int
    reference: str
    stream: str
    organization_id: int
    regions: tuple[str, ...]
    requested_cents: int
    score: float | None
    rank: int | None
    tie_group: int | None


def candidates(session: Session, *, call: Call, kind: RoundKind) -> list[CandidateRow]:
    """Reviewed applications (initial round) or the waitlist (a round for freed money), with their ranking."""
    # An initial round weighs every reviewed application; once a round is approved only dry runs
    # can run again (what-if), over the same applications, whatever their decision since.
    statuses = (
        [ApplicationStatus.reviewed, ApplicationStatus.funded, ApplicationStatus.waitlisted, ApplicationStatus.declined]
        if kind == "initial"
        else [ApplicationStatus.waitlisted]
    )
    rows = session.execute(
        sa_select(
            col(Application.id),
            col(Application.reference),
            col(Stream.code),
            col(Application.organization_id),
            col(Application.regions_served),
            col(Application.requested_cents),
            col(ApplicationScore.calibrated),
            col(Moderation.score),
            col(ApplicationScore.rank),
            col(ApplicationScore.tie_group),
        )
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .outerjoin(ApplicationScore, col(ApplicationScore.application_id) == col(Application.id))
        .outerjoin(Moderation, col(Moderation.application_id) == col(Application.id))
        .where(col(Application.call_id) == call.id, col(Application.status).in_([s.value for s in statuses]))
        .order_by(col(Application.id))
    ).all()
    return [
        CandidateRow(
            app_id, ref, stream, org, tuple(regions), requested, moderated if moderated is not None else calibrated,
            rank, tie,
        )
        for app_id, ref, stream, org, regions, requested, calibrated, moderated, rank, tie in rows
    ]  # fmt: skip


def funded_so_far(session: Session, *, call: Call) -> dict[str, int]:
    """Money already committed per stream: the latest approved amount of each funded project."""
    rows = session.execute(
        sa_select(col(Stream.code), col(Decision.amount_cents), col(Decision.application_id), col(AwardRound.id))
        .join(AwardRound, col(AwardRound.id) == col(Decision.round_id))
        .join(Application, col(Application.id) == col(Decision.application_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(
            col(AwardRound.call_id) == call.id,
            col(AwardRound.status) == "approved",
            col(Decision.outcome) == "funded",
            col(Application.status).in_(FUNDED_STATES),
        )
        .order_by(col(AwardRound.id))
    ).all()
    latest: dict[int, tuple[str, int]] = {}
    for stream, amount, app_id, _ in rows:
        latest[app_id] = (stream, amount)
    totals: dict[str, int] = defaultdict(int)
    for stream, amount in latest.values():
        totals[stream] += amount
    return dict(totals)


def inputs_fingerprint(session: Session, *, call: Call) -> str:
    """A hash of everything a round depends on: reviews, moderated scores and aggregated results.

    A round whose fingerprint no longer matches is stale: reviews changed since it ran.
    """
    digest = hashlib.sha256()
    for rid, updated, scores in session.execute(
        sa_select(col(Review.id), col(Review.updated_at), col(Review.scores))
        .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .where(col(Application.call_id) == call.id, col(Assignment.status) == "active")
        .order_by(col(Review.id))
    ):
        digest.update(f"r{rid}:{updated.isoformat()}:{json.dumps(scores, sort_keys=True)};".encode())
    for app_id, score in session.execute(
        sa_select(col(Moderation.application_id), col(Moderation.score))
        .join(Application, col(Application.id) == col(Moderation.application_id))
        .where(col(Application.call_id) == call.id)
        .order_by(col(Moderation.application_id))
    ):
        digest.update(f"m{app_id}:{score!r};".encode())
    for app_id, calibrated, rank in session.execute(
        sa_select(col(ApplicationScore.application_id), col(ApplicationScore.calibrated), col(ApplicationScore.rank))
        .join(Application, col(Application.id) == col(ApplicationScore.application_id))
        .where(col(Application.call_id) == call.id)
        .order_by(col(ApplicationScore.application_id))
    ):
        digest.update(f"s{app_id}:{calibrated!r}:{rank};".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class DecisionRow:
    application_id: int
    outcome: Literal["funded", "waitlisted", "declined"]
    amount_cents: int
    waitlist_position: int | None
    rule: str
    rationale_en: str
    rationale_fr: str


def record_round(
    session: Session,
    *,
    call_code: str,
    policy: ResolvedPolicy,
    decisions: list[DecisionRow],
    report: dict[str, Any],
    inputs_hash: str,
    dry_run: bool,
    run_by: str,
    kind: RoundKind,
) -> AwardRound:
    """Store a draft round and its decisions; the lottery draws go to the audit log too.

    Rounds of one call are made one at a time (the call's row is locked), and the same round
    asked for twice (same inputs, policy, seed and kind; say two workers given the same run)
    is stored once: the draft made first is returned.
    """
    call = get_call(session, call_code)
    lock(session, Call, call.id or 0)
    same = session.exec(
        select(AwardRound).where(
            AwardRound.call_id == call.id,
            AwardRound.status == "draft",
            AwardRound.inputs_hash == inputs_hash,
            AwardRound.kind == kind,
            AwardRound.dry_run == dry_run,
            AwardRound.method == policy.method,
            AwardRound.seed == policy.seed,
        )
    ).all()
    for existing in same:
        if existing.policy == policy.as_json():
            return existing
    if kind == "initial" and not dry_run:
        approved = session.exec(
            select(AwardRound.id).where(
                AwardRound.call_id == call.id, AwardRound.status == "approved", AwardRound.kind == "initial"
            )
        ).first()
        if approved is not None:
            raise RoundRefused(
                en=f"call {call.code} already has an approved award round ({approved}); money freed later goes to "
                "the waitlist with `grants award withdraw`",
                fr=f"l'appel {call.code} a déjà une ronde d'attribution approuvée ({approved}); les fonds libérés "
                "plus tard vont à la liste d'attente avec `grants award withdraw`",
            )
    now = utcnow()
    award_round = AwardRound(
        call_id=call.id or 0, status="draft", dry_run=dry_run, policy=policy.as_json(), seed=policy.seed,
        method=policy.method, kind=kind, inputs_hash=inputs_hash, report=report, run_by=run_by, created_at=now,
    )  # fmt: skip
    session.add(award_round)
    session.flush()
    values = [{"round_id": award_round.id, **d.__dict__} for d in decisions]
    if values:
        session.connection().execute(insert(table(Decision)), values)
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=run_by, action="award.round_created", entity="award_round", entity_id=award_round.id,
                call_id=call.id, to_state="draft",
                data={"dry_run": dry_run, "kind": kind, "seed": policy.seed, "method": policy.method,
                      "lotteries": report.get("lotteries", []), "funded": report.get("funded_by_stream", {})},
            )
        ],
        at=now,
    )  # fmt: skip
    return award_round


def get_round(session: Session, round_id: int) -> AwardRound:
    award_round = session.get(AwardRound, round_id)
    if award_round is None:
        raise NotFound(en=f"no award round {round_id}", fr=f"aucune ronde d'attribution {round_id}", field="round")
    return award_round


@dataclass(frozen=True)
class Approval:
    round_id: int
    funded: int
    waitlisted: int
    declined: int
    milestones: int


def approve_round(session: Session, *, round_id: int, manager: str) -> Approval:
    """Make a draft round final (a second manager only; never a dry run or a stale round).

    Approvals of one call are made one at a time (the call's row is locked): of two drafts
    approved at once, the second finds its round superseded.
    """
    call_id = session.exec(select(AwardRound.call_id).where(AwardRound.id == round_id)).first()
    if call_id is not None:
        lock(session, Call, call_id)
    award_round = session.exec(select(AwardRound).where(AwardRound.id == round_id).with_for_update()).first()
    if award_round is None:
        raise NotFound(en=f"no award round {round_id}", fr=f"aucune ronde d'attribution {round_id}", field="round")
    call = session.get(Call, award_round.call_id)
    assert call is not None
    manager = manager.strip()
    if award_round.dry_run:
        raise RoundRefused(
            en=f"round {round_id} is a dry run; it can never be approved",
            fr=f"la ronde {round_id} est une simulation; elle ne peut jamais être approuvée",
        )
    if award_round.status != "draft":
        raise RoundRefused(
            en=f"round {round_id} is {award_round.status}, not a draft",
            fr=f"la ronde {round_id} n'est pas un brouillon",
        )
    if not manager or manager.casefold() == award_round.run_by.casefold():
        raise RoundRefused(
            en=f"round {round_id} was run by {award_round.run_by}; another manager must approve it",
            fr=f"la ronde {round_id} a été lancée par {award_round.run_by}; un autre gestionnaire doit l'approuver",
        )
    if inputs_fingerprint(session, call=call) != award_round.inputs_hash:
        # Refused; ``approve`` then marks the round stale in a unit of work of its own.
        raise RoundStale(
            en=f"round {round_id} is stale: reviews or scores changed since it ran; run a new round",
            fr=f"la ronde {round_id} est périmée : des évaluations ou des notes ont changé depuis; lancez une "
            "nouvelle ronde",
        )
    return _make_final(session, award_round, call, manager)


def approve(round_id: int, *, manager: str) -> Approval:
    """``approve_round`` in a unit of work of its own; a stale round is refused and marked stale.

    The refusal rolls the approval's unit of work back, so the mark is a second one: from
    then on the round shows as stale rather than as a draft waiting for approval.
    """
    try:
        with unit_of_work() as session:
            return approve_round(session, round_id=round_id, manager=manager)
    except RoundStale:
        with unit_of_work() as session:
            mark_stale(session, round_id=round_id, actor=manager)
        raise


def mark_stale(session: Session, *, round_id: int, actor: str) -> bool:
    """Mark a draft round stale if its inputs changed since it ran (checked again here); audited."""
    award_round = get_round(session, round_id)
    lock(session, Call, award_round.call_id)
    session.refresh(award_round)
    call = session.get(Call, award_round.call_id)
    assert call is not None
    if award_round.status != "draft" or inputs_fingerprint(session, call=call) == award_round.inputs_hash:
        return False
    award_round.status = "stale"
    session.add(award_round)
    audit.record(
        session,
        [
            audit.EventDraft(actor=actor, action="award.round_stale", entity="award_round", entity_id=award_round.id,
                             call_id=call.id, from_state="draft", to_state="stale")
        ],
        at=utcnow(),
    )  # fmt: skip
    return True


def _make_final(session: Session, award_round: AwardRound, call: Call, manager: str) -> Approval:
    now = utcnow()
    spec = call_spec(call)
    plan = spec.award.payment_plan
    decisions = session.exec(select(Decision).where(Decision.round_id == award_round.id)).all()
    apps = {
        a.id: a
        for a in session.exec(select(Application).where(col(Application.id).in_([d.application_id for d in decisions])))
    }
    counts: dict[str, int] = defaultdict(int)
    events: list[audit.EventDraft] = []
    milestones: list[dict[str, Any]] = []
    for decision in decisions:
        app = apps[decision.application_id]
        current, target = ApplicationStatus(app.status), ApplicationStatus(decision.outcome)
        counts[decision.outcome] += 1
        if current is not target:
            check_transition(current, target, reference=app.reference)
            app.status = target
            app.updated_at = now
            session.add(app)
            events.append(
                audit.EventDraft(
                    actor=manager, action="application.decided", entity="application", entity_id=app.id,
                    call_id=call.id, from_state=current.value, to_state=target.value, reason=decision.rationale_en,
                    data={"round_id": award_round.id, "amount_cents": decision.amount_cents},
                )
            )  # fmt: skip
        if target is ApplicationStatus.funded and current is not ApplicationStatus.funded:
            for m in payment_schedule(
                decision.amount_cents, start=app.start_date, duration_months=app.duration_months,
                initial_share=plan.initial_share, interim_every_months=plan.interim_every_months,
                holdback_share=plan.holdback_share,
            ):  # fmt: skip
                milestones.append(
                    {"application_id": app.id, "round_id": award_round.id, "sequence": m.sequence, "kind": m.kind,
                     "due_date": m.due_date, "amount_cents": m.amount_cents, "report_required": m.report_required,
                     "status": "scheduled"}
                )  # fmt: skip
    if milestones:
        session.connection().execute(insert(table(Milestone)), milestones)
    award_round.status, award_round.approved_by, award_round.approved_at = "approved", manager, now
    session.add(award_round)
    for other in session.exec(
        select(AwardRound).where(
            AwardRound.call_id == call.id, AwardRound.status == "draft", AwardRound.id != award_round.id
        )
    ):
        other.status = "superseded"
        session.add(other)
    events.append(
        audit.EventDraft(actor=manager, action="award.round_approved", entity="award_round", entity_id=award_round.id,
                         call_id=call.id, from_state="draft", to_state="approved",
                         data={k: counts.get(k, 0) for k in ("funded", "waitlisted", "declined")})
    )  # fmt: skip
    session.flush()
    audit.record(session, events, at=now)
    return Approval(award_round.id or 0, counts["funded"], counts["waitlisted"], counts["declined"], len(milestones))


@dataclass(frozen=True)
class DecisionView:
    reference: str
    organization: str
    stream: str
    regions: tuple[str, ...]
    outcome: str
    amount_cents: int
    waitlist_position: int | None
    rule: str
    rationale_en: str
    rationale_fr: str


def round_decisions(session: Session, *, round_id: int) -> list[DecisionView]:
    """A round's decisions, by stream then outcome (funded, waitlisted, declined) and position."""
    get_round(session, round_id)
    rows = session.execute(
        sa_select(
            col(Application.reference), col(Organization.legal_name), col(Stream.code),
            col(Application.regions_served), col(Decision.outcome), col(Decision.amount_cents),
            col(Decision.waitlist_position), col(Decision.rule), col(Decision.rationale_en), col(Decision.rationale_fr),
        )
        .join(Application, col(Application.id) == col(Decision.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(col(Decision.round_id) == round_id)
    ).all()  # fmt: skip
    order = {"funded": 0, "waitlisted": 1, "declined": 2}
    views = [DecisionView(r[0], r[1], r[2], tuple(r[3]), *r[4:]) for r in rows]
    return sorted(views, key=lambda v: (v.stream, order[v.outcome], v.waitlist_position or 0, v.reference))


@dataclass(frozen=True)
class Change:
    reference: str
    stream: str
    before: tuple[str, int]
    after: tuple[str, int]


@dataclass(frozen=True)
class Comparison:
    changes: list[Change]
    totals: dict[str, tuple[int, int]]  # "stream:csf" or "region:north" -> (round A, round B) funded cents


def compare_rounds(session: Session, *, first: int, second: int) -> Comparison:
    """Which applications change decision or amount between two rounds of one call, and the totals side by side."""
    if get_round(session, first).call_id != get_round(session, second).call_id:
        raise InvalidInput(
            en=f"rounds {first} and {second} are rounds of different calls",
            fr=f"les rondes {first} et {second} appartiennent à des appels différents",
            field="round",
        )
    a = {v.reference: v for v in round_decisions(session, round_id=first)}
    b = {v.reference: v for v in round_decisions(session, round_id=second)}
    changes = [
        Change(ref, (a.get(ref) or b[ref]).stream, _key(a.get(ref)), _key(b.get(ref)))
        for ref in sorted(set(a) | set(b))
        if _key(a.get(ref)) != _key(b.get(ref))
    ]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for index, views in enumerate((a, b)):
        for v in views.values():
            if v.outcome != "funded":
                continue
            totals[f"stream:{v.stream}"][index] += v.amount_cents
            for region in v.regions:
                totals[f"region:{region}"][index] += v.amount_cents
    return Comparison(changes, {k: (v[0], v[1]) for k, v in sorted(totals.items())})


def _key(view: DecisionView | None) -> tuple[str, int]:
    return ("—", 0) if view is None else (view.outcome, view.amount_cents)


@dataclass(frozen=True)
class Withdrawal:
    call_code: str
    reference: str
    freed_cents: int


def withdraw(session: Session, *, reference: str, reason: str, actor: str) -> Withdrawal:
    """A funded organization withdraws before signing: the award ends and its milestones are cancelled."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(en="a reason is required", fr="une raison est obligatoire", field="reason")
    app = get_application(session, reference)
    current = ApplicationStatus(app.status)
    check_transition(current, ApplicationStatus.terminated, reference=app.reference)
    call = session.get(Call, app.call_id)
    assert call is not None
    now = utcnow()
    freed = 0
    for milestone in session.exec(select(Milestone).where(Milestone.application_id == app.id)):
        if milestone.status in ("scheduled", "due"):
            freed += milestone.amount_cents
            milestone.status = "cancelled"
            session.add(milestone)
    app.status = ApplicationStatus.terminated
    app.updated_at = now
    session.add(app)
    audit.record(
        session,
        [audit.EventDraft(actor=actor, action="application.withdrawn", entity="application", entity_id=app.id,
                          call_id=call.id, from_state=current.value, to_state=ApplicationStatus.terminated.value,
                          reason=reason, data={"freed_cents": freed})],
        at=now,
    )  # fmt: skip
    return Withdrawal(call.code, app.reference, freed)


def waitlist_envelopes(session: Session, *, call: Call, envelopes_cents: dict[str, int]) -> dict[str, int]:
    """Money each stream can still commit: the round's envelope less what funded projects hold."""
    committed = funded_so_far(session, call=call)
    return {code: max(cents - committed.get(code, 0), 0) for code, cents in envelopes_cents.items()}
