"""Award rounds, database side: approval rules, staleness, milestones, withdrawal, comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from grants.awards import (
    DecisionRow,
    RoundRefused,
    RoundStale,
    approve,
    approve_round,
    compare_rounds,
    inputs_fingerprint,
    mark_stale,
    record_round,
    resolve_policy,
    withdraw,
)
from grants.calls import get_call, save_call
from grants.callspec import RoundPolicySpec
from grants.db import unit_of_work
from grants.errors import InvalidInput
from grants.models import Application, ApplicationScore, AuditEvent, AwardRound, Milestone, Moderation
from tests.factories import application_row, create_example_call, example_spec, take_in


def _reviewed(engine: Engine, tmp_path: Path) -> dict[str, int]:
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(n) for n in (1, 2, 3)])
    with unit_of_work(engine) as session:
        ids = {}
        for rank, app in enumerate(session.exec(select(Application).order_by(col(Application.id))), start=1):
            app.status = "reviewed"  # type: ignore[assignment]
            session.add(app)
            session.add(ApplicationScore(application_id=app.id or 0, calibrated=4.5 - rank, standard_error=0.2,
                                         rank=rank, tie_group=rank, n_reviews=3))  # fmt: skip
            ids[app.reference] = app.id or 0
    return ids


def _round(engine: Engine, ids: dict[str, int], *, dry_run: bool = False, run_by: str = "Manager A") -> int:
    decisions = [
        DecisionRow(ids["CSF-2026-00001"], "funded", 12_500_000, None, "rank", "Funded in rank order.", "Financée."),
        DecisionRow(ids["CSF-2026-00002"], "waitlisted", 0, 1, "envelope", "Waitlisted.", "En attente."),
        DecisionRow(ids["CSF-2026-00003"], "declined", 0, None, "below_line", "Below the line.", "Sous le seuil."),
    ]
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
        policy = resolve_policy(example_spec(), None, seed=7)
        award_round = record_round(
            session, call_code="csf-2026", policy=policy, decisions=decisions, report={"lotteries": []},
            inputs_hash=inputs_fingerprint(session, call=call), dry_run=dry_run, run_by=run_by, kind="initial",
        )  # fmt: skip
        return award_round.id or 0


def _statuses(engine: Engine) -> dict[str, str]:
    with unit_of_work(engine) as session:
        return {a.reference: a.status for a in session.exec(select(Application))}


def test_approve_round_by_a_second_manager_decides_and_schedules_payments(engine: Engine, tmp_path: Path) -> None:
    ids = _reviewed(engine, tmp_path)
    round_id = _round(engine, ids)

    with unit_of_work(engine) as session:
        approval = approve_round(session, round_id=round_id, manager="Manager B")

    assert (approval.funded, approval.waitlisted, approval.declined, approval.milestones) == (1, 1, 1, 5)
    assert _statuses(engine) == {"CSF-2026-00001": "funded", "CSF-2026-00002": "waitlisted",
                                 "CSF-2026-00003": "declined"}  # fmt: skip
    with unit_of_work(engine) as session:
        milestones = session.exec(select(Milestone).order_by(col(Milestone.sequence))).all()
        assert [(m.kind, m.amount_cents) for m in milestones] == [
            ("signing", 5_000_000),
            ("interim", 2_083_334),
            ("interim", 2_083_333),
            ("interim", 2_083_333),
            ("final", 1_250_000),
        ]
        award_round = session.get(AwardRound, round_id)
        assert award_round is not None
        assert (award_round.status, award_round.approved_by) == ("approved", "Manager B")
        decided = session.exec(select(AuditEvent).where(AuditEvent.action == "application.decided")).all()
        assert sorted((e.from_state, e.to_state) for e in decided) == [
            ("reviewed", "declined"),
            ("reviewed", "funded"),
            ("reviewed", "waitlisted"),
        ]


@pytest.mark.parametrize("approver", ["Manager A", "manager a "])
def test_approve_round_by_the_manager_who_ran_it_is_refused(engine: Engine, tmp_path: Path, approver: str) -> None:
    round_id = _round(engine, _reviewed(engine, tmp_path))

    with pytest.raises(RoundRefused) as raised, unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager=approver)

    assert raised.value.en == f"round {round_id} was run by Manager A; another manager must approve it"
    assert _statuses(engine)["CSF-2026-00001"] == "reviewed"


def test_approve_round_dry_run_is_never_approved(engine: Engine, tmp_path: Path) -> None:
    round_id = _round(engine, _reviewed(engine, tmp_path), dry_run=True)

    with pytest.raises(RoundRefused) as raised, unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager="Manager B")

    assert raised.value.en == f"round {round_id} is a dry run; it can never be approved"


def test_approve_round_after_scores_changed_is_stale(engine: Engine, tmp_path: Path) -> None:
    ids = _reviewed(engine, tmp_path)
    round_id = _round(engine, ids)
    with unit_of_work(engine) as session:
        session.add(Moderation(application_id=ids["CSF-2026-00003"], score=4.8, reason="Panel", moderated_by="M"))

    with pytest.raises(RoundRefused) as raised, unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager="Manager B")

    assert raised.value.en.startswith(f"round {round_id} is stale: reviews or scores changed since it ran")
    with unit_of_work(engine) as session:
        award_round = session.get(AwardRound, round_id)
        assert award_round is not None and award_round.status == "draft"  # the refusal rolled everything back
    assert _statuses(engine)["CSF-2026-00001"] == "reviewed"


def test_approving_a_stale_round_marks_it_stale_and_audits_it(engine: Engine, tmp_path: Path) -> None:
    ids = _reviewed(engine, tmp_path)
    round_id = _round(engine, ids)
    with unit_of_work(engine) as session:
        session.add(Moderation(application_id=ids["CSF-2026-00003"], score=4.8, reason="Panel", moderated_by="M"))

    with pytest.raises(RoundStale):
        approve(round_id, manager="Manager B")
    with pytest.raises(RoundRefused) as again:
        approve(round_id, manager="Manager B")

    assert again.value.en == f"round {round_id} is stale, not a draft"
    with unit_of_work(engine) as session:
        award_round = session.get(AwardRound, round_id)
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "award.round_stale")).all()
        assert award_round is not None
        assert (award_round.status, award_round.approved_by) == ("stale", None)
        assert [(e.actor, e.entity_id, e.from_state, e.to_state) for e in events] == [
            ("Manager B", round_id, "draft", "stale")
        ]
    assert _statuses(engine)["CSF-2026-00001"] == "reviewed"


def test_a_round_whose_inputs_did_not_change_is_never_marked_stale(engine: Engine, tmp_path: Path) -> None:
    round_id = _round(engine, _reviewed(engine, tmp_path))

    with unit_of_work(engine) as session:
        assert mark_stale(session, round_id=round_id, actor="Manager B") is False
    approval = approve(round_id, manager="Manager B")

    with unit_of_work(engine) as session:
        award_round = session.get(AwardRound, round_id)
        assert award_round is not None
        assert (approval.round_id, award_round.status) == (round_id, "approved")


def test_withdraw_ends_the_award_and_frees_its_unpaid_milestones(engine: Engine, tmp_path: Path) -> None:
    ids = _reviewed(engine, tmp_path)
    round_id = _round(engine, ids)
    with unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager="Manager B")

    with unit_of_work(engine) as session:
        done = withdraw(session, reference="CSF-2026-00001", reason="Lost its lead worker", actor="Manager A")

    assert (done.call_code, done.freed_cents) == ("csf-2026", 12_500_000)
    assert _statuses(engine)["CSF-2026-00001"] == "terminated"
    with unit_of_work(engine) as session:
        assert {m.status for m in session.exec(select(Milestone))} == {"cancelled"}


def test_compare_rounds_lists_changes_and_totals(engine: Engine, tmp_path: Path) -> None:
    ids = _reviewed(engine, tmp_path)
    first = _round(engine, ids)
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
        second = record_round(
            session, call_code="csf-2026", policy=resolve_policy(example_spec(), None, seed=7),
            decisions=[
                DecisionRow(ids["CSF-2026-00001"], "funded", 10_000_000, None, "partial", "Partly.", "En partie."),
                DecisionRow(ids["CSF-2026-00002"], "funded", 2_500_000, None, "rank", "Funded.", "Financée."),
                DecisionRow(ids["CSF-2026-00003"], "declined", 0, None, "below_line", "Below.", "Sous le seuil."),
            ],
            report={}, inputs_hash=inputs_fingerprint(session, call=call), dry_run=True, run_by="A", kind="initial",
        ).id or 0  # fmt: skip

    with unit_of_work(engine) as session:
        comparison = compare_rounds(session, first=first, second=second)

    assert [(c.reference, c.before, c.after) for c in comparison.changes] == [
        ("CSF-2026-00001", ("funded", 12_500_000), ("funded", 10_000_000)),
        ("CSF-2026-00002", ("waitlisted", 0), ("funded", 2_500_000)),
    ]
    assert comparison.totals == {
        "region:northeast": (12_500_000, 12_500_000),
        "region:northwest": (12_500_000, 12_500_000),
        "stream:csf": (12_500_000, 12_500_000),
    }


def test_compare_rounds_of_different_calls_is_refused(engine: Engine, tmp_path: Path) -> None:
    first = _round(engine, _reviewed(engine, tmp_path))
    other_spec = example_spec().model_copy(update={"code": "csf-2027"})
    with unit_of_work(engine) as session:
        save_call(session, spec=other_spec, actor="m")
        other_call = get_call(session, "csf-2027")
        other = record_round(
            session, call_code="csf-2027", policy=resolve_policy(other_spec, None, seed=7), decisions=[], report={},
            inputs_hash=inputs_fingerprint(session, call=other_call), dry_run=True, run_by="A", kind="initial",
        ).id or 0  # fmt: skip

    with pytest.raises(InvalidInput) as refused, unit_of_work(engine) as session:
        compare_rounds(session, first=first, second=other)

    assert (refused.value.en, refused.value.field) == (
        f"rounds {first} and {other} are rounds of different calls",
        "round",
    )


def test_resolve_policy_applies_a_round_file_over_the_call() -> None:
    override = RoundPolicySpec(fundable_line=3.4, envelopes={"iif": 1_000_000}, region_floors={}, method="optimal")

    policy = resolve_policy(example_spec(), override, seed=11)

    assert (policy.fundable_line, policy.envelopes_cents, policy.region_floors, policy.method, policy.seed) == (
        3.4,
        {"csf": 465_000_000, "iif": 100_000_000},
        {},
        "optimal",
        11,
    )
    with pytest.raises(InvalidInput) as raised:
        resolve_policy(example_spec(), RoundPolicySpec(region_floors={"yukon": 0.1}), seed=1)
    assert raised.value.field == "region_floors.yukon"
