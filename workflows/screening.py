"""Eligibility screening flow."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grants.db import unit_of_work
from grants.screening import ScreeningSummary, screen_call
from workflows.retry import transient_database_error


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def screen_submitted(call_code: str, actor: str) -> ScreeningSummary:
    """Apply the call's rules to every submitted application, in one transaction."""
    with unit_of_work() as session:
        return screen_call(session, call_code=call_code, actor=actor)


@flow(name="screening")
def screening_flow(call_code: str, actor: str = "system") -> ScreeningSummary:
    """Screen a call's submitted applications for eligibility."""
    return screen_submitted(call_code, actor)
