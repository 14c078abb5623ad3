"""Award round flow: candidates and policy, the pure allocation, draft decisions stored."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from grants.awards import (
    CandidateRow,
    DecisionRow,
    ResolvedPolicy,
    RoundKind,
    candidates,
    inputs_fingerprint,
    record_round,
    resolve_policy,
    waitlist_envelopes,
)
from grants.calls import call_spec, get_call
from grants.callspec import RoundPolicySpec, load_round_policy
from grants.db import unit_of_work
from grants.errors import DomainError
from scoring.allocation import Candidate, Policy, allocate
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result


@dataclass(frozen=True)
class RoundReport:
    round_id: int | None
    dry_run: bool
    seed: int
    method: str
    funded: int
    waitlisted: int
    declined: int
    funded_by_stream: dict[str, int]
    envelopes: dict[str, int]
    floors: list[dict[str, Any]]
    lotteries: list[dict[str, Any]]
    problem_en: str | None = None
    problem_fr: str | None = None


@dataclass(frozen=True)
class RoundInputs:
    policy: ResolvedPolicy
    candidates: list[CandidateRow]
    fingerprint: str
    regions: dict[str, tuple[str, str]]
    streams: dict[str, tuple[str, str]]


@task(cache_policy=NO_CACHE)
def load_round_inputs(
    call_code: str, policy_file: str | None, seed: int | None, method: str | None, kind: RoundKind
) -> RoundInputs | DomainError:
    """The candidates, the resolved policy and the fingerprint of the reviews behind them."""
    try:
        override = load_round_policy(Path(policy_file)) if policy_file else None
        if method is not None:
            override = (override or RoundPolicySpec()).model_copy(update={"method": method})
        with unit_of_work() as session:
            call = get_call(session, call_code)
            spec = call_spec(call)
            policy = resolve_policy(spec, override, seed=seed)
            if kind == "waitlist":
                left = waitlist_envelopes(session, call=call, envelopes_cents=policy.envelopes_cents)
                policy = replace(policy, envelopes_cents=left)
            return RoundInputs(
                policy=policy,
                candidates=candidates(session, call=call, kind=kind),
                fingerprint=inputs_fingerprint(session, call=call),
                regions={r.code: (r.name_fr, r.name_en) for r in spec.regions},
                streams={s.code: (s.name_fr, s.name_en) for s in spec.streams},
            )
    except DomainError as exc:
        return exc


@task(cache_policy=NO_CACHE)
def run_allocation(inputs: RoundInputs) -> Any:
    """The pure allocation on the loaded inputs."""
    p = inputs.policy
    policy = Policy(
        fundable_line=p.fundable_line,
        envelopes_cents=p.envelopes_cents,
        region_floors=p.region_floors,
        max_per_organization_cents=p.max_per_organization_cents,
        partial_funding=p.partial_funding,
        min_partial_share=p.min_partial_share,
        near_tie=p.near_tie,
        seed=p.seed,
        method=p.method,
        region_names=inputs.regions,
        stream_names=inputs.streams,
    )
    return allocate([Candidate(**c.__dict__) for c in inputs.candidates], policy)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def store_round(
    call_code: str, inputs: RoundInputs, result: Any, dry_run: bool, actor: str, kind: RoundKind
) -> RoundReport | DomainError:
    decisions = [
        DecisionRow(d.application_id, d.outcome, d.amount_cents, d.waitlist_position, d.rule, d.rationale_en,
                    d.rationale_fr)
        for d in result.decisions
    ]  # fmt: skip
    refs = {c.application_id: c.reference for c in inputs.candidates}
    report: dict[str, Any] = {
        "funded_by_stream": dict(result.funded_by_stream),
        "envelopes": dict(inputs.policy.envelopes_cents),
        "floors": [f.__dict__ for f in result.floors],
        "lotteries": [
            {**lot.__dict__, "members": [refs[a] for a in lot.members], "order": [refs[a] for a in lot.order]}
            for lot in result.lotteries
        ],
    }
    try:
        with unit_of_work() as session:
            award_round = record_round(
                session, call_code=call_code, policy=inputs.policy, decisions=decisions, report=report,
                inputs_hash=inputs.fingerprint, dry_run=dry_run, run_by=actor, kind=kind,
            )  # fmt: skip
            round_id = award_round.id
    except DomainError as exc:
        return exc
    outcomes = [d.outcome for d in decisions]
    return RoundReport(
        round_id=round_id,
        dry_run=dry_run,
        seed=inputs.policy.seed,
        method=inputs.policy.method,
        funded=outcomes.count("funded"),
        waitlisted=outcomes.count("waitlisted"),
        declined=outcomes.count("declined"),
        funded_by_stream=report["funded_by_stream"],
        envelopes=report["envelopes"],
        floors=report["floors"],
        lotteries=report["lotteries"],
    )


def _refused(problem: DomainError) -> RoundReport:
    return RoundReport(None, False, 0, "", 0, 0, 0, {}, {}, [], [], problem.en, problem.fr)


@flow(name="award-round", on_completion=[record_stage_result], on_failure=[record_stage_result])
def award_round_flow(
    call_code: str,
    policy_file: str | None = None,
    dry_run: bool = False,
    seed: int | None = None,
    method: str | None = None,
    kind: RoundKind = "initial",
    actor: str = "system",
) -> RoundReport:
    """Turn the ranked lists into draft decisions within the money and the equity rules."""
    inputs = load_round_inputs(call_code, policy_file, seed, method, kind)
    if isinstance(inputs, DomainError):
        return _refused(inputs)
    result = run_allocation(quote(inputs))  # type: ignore[call-overload]
    stored = store_round(call_code, quote(inputs), quote(result), dry_run, actor, kind)  # type: ignore[call-overload]
    return _refused(stored) if isinstance(stored, DomainError) else stored
