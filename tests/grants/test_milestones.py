"""Agreements, amendments, reports, payments and overdue checks (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from grants.db import unit_of_work
from grants.errors import IllegalTransition, InvalidInput
from grants.milestones import (
    Amendment,
    MilestoneRefused,
    amend,
    check_overdue,
    decide_report,
    sign_agreement,
    submit_report,
)
from grants.models import AuditEvent, Milestone
from tests.factories import FUNDED_REFERENCE as REF
from tests.factories import funded_application

KNOWN = {"people_reached_awareness": 1, "frontline_workers_trained": 1}


def _milestones(engine: Engine) -> list[tuple[int, str, dt.date, int]]:
    with unit_of_work(engine) as session:
        return [(m.sequence, m.status, m.due_date, m.amount_cents)
                for m in session.exec(select(Milestone).order_by(col(Milestone.sequence)))]  # fmt: skip


def test_sign_agreement_makes_the_project_active_and_the_first_payment_due(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)

    with unit_of_work(engine) as session:
        sign_agreement(session, reference=REF, actor="org")

    assert [(s, status) for s, status, _, _ in _milestones(engine)] == [
        (1, "due"), (2, "scheduled"), (3, "scheduled"), (4, "scheduled"), (5, "scheduled"),
    ]  # fmt: skip
    with pytest.raises(IllegalTransition), unit_of_work(engine) as session:
        sign_agreement(session, reference=REF, actor="org")


def test_amend_moves_money_between_milestones_but_keeps_the_total(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)

    with unit_of_work(engine) as session:
        amend(session, reference=REF, manager="B", reason="Hiring delayed by two months",
              changes=[Amendment(2, dt.date(2027, 3, 1), 1_583_334), Amendment(3, None, 2_583_333)])  # fmt: skip
    with pytest.raises(MilestoneRefused) as raised, unit_of_work(engine) as session:
        amend(session, reference=REF, manager="B", reason="x", changes=[Amendment(4, None, 2_000_000)])

    assert [(s, d, a) for s, _, d, a in _milestones(engine)] == [
        (1, dt.date(2026, 7, 1), 5_000_000),
        (2, dt.date(2027, 3, 1), 1_583_334),
        (3, dt.date(2027, 7, 1), 2_583_333),
        (4, dt.date(2028, 1, 1), 2_083_333),
        (5, dt.date(2028, 8, 30), 1_250_000),
    ]
    assert sum(a for _, _, _, a in _milestones(engine)) == 12_500_000
    assert raised.value.en == (
        "the milestones would add up to $124,166.67, not the award of $125,000.00; change amounts so the "
        "total stays the same"
    )


@pytest.mark.parametrize(
    ("narrative", "indicators", "field", "start"),
    [
        ("We served a client born on 2001-04-12.", {}, "narrative", "the narrative seems to contain a date of birth"),
        ("Contact: jane.doe@example.org", {}, "narrative", "the narrative seems to contain an e-mail address"),
        ("Good quarter.", {"people_reached_awareness": "Jane Doe, 17, Sudbury"}, "indicators.people_reached_awareness",
         "an indicator is a count"),
        ("Good quarter.", {"favourite_colour": 3}, "indicators.favourite_colour", "unknown indicator"),
    ],
)  # fmt: skip
def test_submit_report_refuses_personal_looking_data(
    engine: Engine, tmp_path: Path, narrative: str, indicators: dict[str, object], field: str, start: str
) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=REF, actor="org")

    with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
        submit_report(session, reference=REF, narrative=narrative, indicators=indicators, known_indicators=KNOWN,
                      actor="org")  # fmt: skip

    assert raised.value.field == field
    assert raised.value.en.startswith(start)


def test_accepting_a_report_releases_its_payment_and_returning_one_does_not(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=REF, actor="org")
    with unit_of_work(engine) as session:
        first = submit_report(session, reference=REF, narrative="Outreach in six schools.",
                              indicators={"people_reached_awareness": "340"}, known_indicators=KNOWN,
                              actor="org").id or 0  # fmt: skip
    with unit_of_work(engine) as session:
        decide_report(session, report_id=first, accept=False, reason="Add the training figures", manager="B",
                      now=dt.datetime(2026, 12, 15, tzinfo=dt.UTC))  # fmt: skip
    assert _milestones(engine)[1][1] == "due"
    with unit_of_work(engine) as session:
        second = submit_report(session, reference=REF, narrative="Outreach in six schools; training done.",
                               indicators={"people_reached_awareness": 340, "frontline_workers_trained": 25},
                               known_indicators=KNOWN, actor="org").id or 0  # fmt: skip
    with unit_of_work(engine) as session:
        decide_report(session, report_id=second, accept=True, reason="", manager="B")

    assert [(s, status) for s, status, _, _ in _milestones(engine)][:3] == [(1, "due"), (2, "paid"), (3, "scheduled")]
    with unit_of_work(engine) as session:
        released = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.released")).all()
    assert [e.data["amount_cents"] for e in released] == [2_083_334]


def test_check_overdue_starts_the_day_after_the_due_date(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=REF, actor="org")

    with unit_of_work(engine) as session:
        on_the_day = check_overdue(session, today=dt.date(2027, 1, 1))
    with unit_of_work(engine) as session:
        next_day = check_overdue(session, today=dt.date(2027, 1, 2))
    with unit_of_work(engine) as session:
        again = check_overdue(session, today=dt.date(2027, 1, 3))

    assert (len(on_the_day), len(next_day), len(again)) == (0, 1, 0)
    assert [(s, status) for s, status, _, _ in _milestones(engine)][:3] == [
        (1, "due"), (2, "overdue"), (3, "scheduled"),
    ]  # fmt: skip
