"""Payment schedules that add up to the award exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from grants.payments import PlannedMilestone, add_months, payment_schedule

PLAN = {"initial_share": Decimal("0.4"), "interim_every_months": 6, "holdback_share": Decimal("0.1")}


def test_payment_schedule_two_year_project_has_three_interim_reports() -> None:
    schedule = payment_schedule(12_500_000, start=dt.date(2026, 7, 1), duration_months=24, **PLAN)

    assert schedule == [
        PlannedMilestone(1, "signing", dt.date(2026, 7, 1), 5_000_000, False),
        PlannedMilestone(2, "interim", dt.date(2027, 1, 1), 2_083_334, True),
        PlannedMilestone(3, "interim", dt.date(2027, 7, 1), 2_083_333, True),
        PlannedMilestone(4, "interim", dt.date(2028, 1, 1), 2_083_333, True),
        PlannedMilestone(5, "final", dt.date(2028, 8, 30), 1_250_000, True),
    ]


def test_payment_schedule_awkward_amount_sums_to_the_cent() -> None:
    schedule = payment_schedule(10_000_001, start=dt.date(2026, 8, 31), duration_months=20, **PLAN)

    assert [(m.due_date, m.amount_cents) for m in schedule] == [
        (dt.date(2026, 8, 31), 4_000_000),
        (dt.date(2027, 2, 28), 1_666_667),
        (dt.date(2027, 8, 31), 1_666_667),
        (dt.date(2028, 2, 29), 1_666_667),
        (dt.date(2028, 6, 29), 1_000_000),
    ]
    assert sum(m.amount_cents for m in schedule) == 10_000_001


def test_payment_schedule_short_project_pays_the_rest_with_the_final_report() -> None:
    schedule = payment_schedule(3_333_333, start=dt.date(2026, 9, 15), duration_months=6, **PLAN)

    assert [(m.kind, m.amount_cents) for m in schedule] == [("signing", 1_333_333), ("final", 2_000_000)]


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2027, 12, 31), 2, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 15), 14, dt.date(2028, 1, 15)),
])  # fmt: skip
def test_add_months_clamps_to_the_months_last_day(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_payment_schedule_refuses_shares_over_the_award() -> None:
    with pytest.raises(ValueError, match="cannot exceed the award"):
        payment_schedule(
            100, start=dt.date(2026, 1, 1), duration_months=12, initial_share=Decimal("0.95"),
            interim_every_months=6, holdback_share=Decimal("0.1"),
        )  # fmt: skip
