"""The daily milestone check: overdue reports, held payments, one reminder per overdue milestone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grants.db import unit_of_work
from grants.milestones import check_overdue
from grants.notice_records import reminder_jobs
from grants.settings import get_settings
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result

TORONTO = ZoneInfo("America/Toronto")


@dataclass(frozen=True)
class CheckReport:
    today: str
    newly_overdue: int
    reminders: int
    folder: str | None


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def mark_overdue(today: str, actor: str) -> int:
    with unit_of_work() as session:
        return len(check_overdue(session, today=dt.date.fromisoformat(today), actor=actor))


@task(cache_policy=NO_CACHE)
def send_reminders(out_dir: str | None, actor: str) -> tuple[int, str | None]:
    """A reminder letter for each overdue milestone that has not had one (never twice)."""
    from workflows.notices import generate_letters

    with unit_of_work() as session:
        jobs = reminder_jobs(session)
    if not jobs:
        return 0, None
    folder = out_dir or str(get_settings().output_dir / "notices" / "reminders")
    return generate_letters.fn(jobs, folder, actor), folder


@flow(name="milestone-check", on_completion=[record_stage_result], on_failure=[record_stage_result])
def milestone_check_flow(today: str | None = None, out_dir: str | None = None, actor: str = "system") -> CheckReport:
    """Mark reports past due (dates in America/Toronto), hold their payments, remind each organization once."""
    day = today or dt.datetime.now(TORONTO).date().isoformat()
    overdue = mark_overdue(day, actor)
    sent, folder = send_reminders(out_dir, actor)
    return CheckReport(day, overdue, sent, folder)
