"""The award round flow end to end on the session's Prefect backend (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from grants.awards import approve_round, round_decisions
from grants.db import unit_of_work
from grants.models import Application, Milestone
from tests.factories import reviewed_applications
from workflows.awards import award_round_flow
from workflows.runtime import run_flow


def _decisions(engine: Engine, round_id: int) -> list[tuple[str, str, int, int | None]]:
    with unit_of_work(engine) as session:
        return [(v.reference, v.outcome, v.amount_cents, v.waitlist_position)
                for v in round_decisions(session, round_id=round_id)]  # fmt: skip


def test_award_round_flow_funds_within_the_envelope_and_is_reproducible(engine: Engine, tmp_path: Path) -> None:
    reviewed_applications(engine, tmp_path)
    policy = tmp_path / "tight.toml"
    policy.write_text("envelopes = { csf = 300000 }\nregion_floors = {}\npartial_funding = false\n", encoding="utf-8")

    first = run_flow(award_round_flow, call_code="csf-2026", policy_file=str(policy), seed=5, dry_run=True,
                     actor="Manager A")  # fmt: skip
    second = run_flow(award_round_flow, call_code="csf-2026", policy_file=str(policy), seed=5, dry_run=True,
                      actor="Manager A")  # fmt: skip

    assert (first.problem_en, first.funded, first.waitlisted, first.declined) == (None, 2, 2, 1)
    assert first.funded_by_stream["csf"] == 25_000_000
    assert _decisions(engine, first.round_id or 0) == [
        ("CSF-2026-00001", "funded", 12_500_000, None),
        ("CSF-2026-00002", "funded", 12_500_000, None),
        ("CSF-2026-00003", "waitlisted", 0, 1),
        ("CSF-2026-00004", "waitlisted", 0, 2),
        ("CSF-2026-00005", "declined", 0, None),
    ]
    assert _decisions(engine, second.round_id or 0) == _decisions(engine, first.round_id or 0)


def test_award_round_flow_approved_round_then_withdrawal_promotes_the_waitlist(engine: Engine, tmp_path: Path) -> None:
    from grants.awards import withdraw

    reviewed_applications(engine, tmp_path)
    policy = tmp_path / "tight.toml"
    policy.write_text("envelopes = { csf = 300000 }\nregion_floors = {}\npartial_funding = false\n", encoding="utf-8")
    report = run_flow(award_round_flow, call_code="csf-2026", policy_file=str(policy), seed=5, actor="Manager A")
    with unit_of_work(engine) as session:
        approve_round(session, round_id=report.round_id or 0, manager="Manager B")
    with unit_of_work(engine) as session:
        withdraw(session, reference="CSF-2026-00002", reason="Merged with another agency", actor="Manager A")

    waitlist = run_flow(award_round_flow, call_code="csf-2026", policy_file=str(policy), seed=5, kind="waitlist",
                        actor="Manager A")  # fmt: skip
    with unit_of_work(engine) as session:
        approve_round(session, round_id=waitlist.round_id or 0, manager="Manager B")

    assert _decisions(engine, waitlist.round_id or 0) == [
        ("CSF-2026-00003", "funded", 12_500_000, None),
        ("CSF-2026-00004", "waitlisted", 0, 1),
    ]
    with unit_of_work(engine) as session:
        statuses = {a.reference: a.status for a in session.exec(select(Application))}
        live = session.exec(select(Milestone.amount_cents).where(Milestone.status == "scheduled")).all()
    assert statuses == {
        "CSF-2026-00001": "funded",
        "CSF-2026-00002": "terminated",
        "CSF-2026-00003": "funded",
        "CSF-2026-00004": "waitlisted",
        "CSF-2026-00005": "declined",
    }
    assert sum(live) == 25_000_000
