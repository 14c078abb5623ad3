"""A funded project's payment schedule from the call's payment plan. Pure arithmetic.

An initial payment on signing; an interim report every ``interim_every_months`` months
during the project, each releasing a payment; a final report after the project ends,
releasing the holdback. The amounts add up to the award exactly, to the cent.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

FINAL_REPORT_DAYS = 60  # the final report is due this many days after the project ends

MilestoneKind = Literal["signing", "interim", "final"]


@dataclass(frozen=True)
class PlannedMilestone:
    sequence: int
    kind: MilestoneKind
    due_date: dt.date
    amount_cents: int
    report_required: bool


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 + 1 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _share(amount_cents: int, share: Decimal) -> int:
    return int((Decimal(amount_cents) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payment_schedule(
    amount_cents: int,
    *,
    start: dt.date,
    duration_months: int,
    initial_share: Decimal,
    interim_every_months: int,
    holdback_share: Decimal,
) -> list[PlannedMilestone]:
    """The milestones of an award of ``amount_cents`` for a project starting on ``start``.

    The initial payment is ``initial_share`` of the award (due on signing, taken as the
    start date); the holdback ``holdback_share`` is paid on the final report; the rest is
    split evenly over the interim reports, the odd cents going to the earliest ones. A
    project too short for an interim report gets the rest with its final report.
    """
    if amount_cents <= 0:
        raise ValueError("an award is a positive amount")
    if duration_months < 1 or interim_every_months < 1:
        raise ValueError("durations are at least one month")
    if initial_share < 0 or holdback_share < 0 or initial_share + holdback_share > 1:
        raise ValueError("the initial share and the holdback cannot exceed the award")
    end = add_months(start, duration_months)
    initial = _share(amount_cents, initial_share)
    holdback = _share(amount_cents, holdback_share)
    interim_dates = [add_months(start, m) for m in range(interim_every_months, duration_months, interim_every_months)]
    rest = amount_cents - initial - holdback
    if interim_dates:
        base, extra = divmod(rest, len(interim_dates))
        interim_amounts = [base + (1 if i < extra else 0) for i in range(len(interim_dates))]
        final_amount = holdback
    else:
        interim_amounts = []
        final_amount = holdback + rest
    plan: list[tuple[MilestoneKind, dt.date, int, bool]] = [("signing", start, initial, False)]
    plan += [("interim", day, cents, True) for day, cents in zip(interim_dates, interim_amounts, strict=True)]
    plan.append(("final", end + dt.timedelta(days=FINAL_REPORT_DAYS), final_amount, True))
    schedule = [
        PlannedMilestone(sequence=i, kind=kind, due_date=day, amount_cents=cents, report_required=report)
        for i, (kind, day, cents, report) in enumerate(plan, start=1)
    ]
    assert sum(m.amount_cents for m in schedule) == amount_cents
    return schedule
