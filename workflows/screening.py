"""Eligibility screening flow."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grants.db import unit_of_work
from grants.notice_records import ineligible_jobs, write_manifest
from grants.screening import ScreeningSummary, screen_call
from grants.settings import get_settings
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def screen_submitted(call_code: str, actor: str) -> ScreeningSummary:
    """Apply the call's rules to every submitted application, in one transaction."""
    with unit_of_work() as session:
        return screen_call(session, call_code=call_code, actor=actor)


@task(cache_policy=NO_CACHE)
def ineligibility_letters(call_code: str, actor: str) -> str:
    """A letter to each newly ineligible applicant, explaining why (once per application)."""
    from workflows.notices import generate_letters

    with unit_of_work() as session:
        jobs = ineligible_jobs(session, call_code=call_code)
    folder = get_settings().output_dir / "notices" / f"{call_code}-ineligible"
    generate_letters.fn(jobs, str(folder), actor)
    with unit_of_work() as session:
        write_manifest(session, path=folder / "manifest.csv", call_code=call_code, kind="ineligible")
    return str(folder)


@flow(name="screening", on_completion=[record_stage_result], on_failure=[record_stage_result])
def screening_flow(call_code: str, actor: str = "system", letters: bool = True) -> ScreeningSummary:
    """Screen a call's submitted applications for eligibility; ineligible applicants get a letter."""
    summary = screen_submitted(call_code, actor)
    if letters and summary.ineligible:
        summary.letters = ineligibility_letters(call_code, actor)
    return summary
