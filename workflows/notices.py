"""Notice flows: the letters a round or a call owes, rendered, written once, recorded, listed."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from grants.db import unit_of_work
from grants.errors import DomainError
from grants.notice_records import (
    NoticeJob,
    WrittenNotice,
    ineligible_jobs,
    record_notices,
    round_jobs,
    write_manifest,
)
from grants.settings import get_settings
from notices import NoticeData, render_batch
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result

BATCH = 2000  # letters rendered and recorded together; a crash loses at most one batch's records


@dataclass(frozen=True)
class NoticeReport:
    generated: int
    total: int  # letters listed in the manifest, this run's and earlier ones
    folder: str
    manifest: str
    problem_en: str | None = None
    problem_fr: str | None = None


@task(cache_policy=NO_CACHE)
def owed_round_letters(round_id: int) -> list[NoticeJob] | DomainError:
    try:
        with unit_of_work() as session:
            return round_jobs(session, round_id=round_id)
    except DomainError as exc:
        return exc


@task(cache_policy=NO_CACHE)
def owed_ineligible_letters(call_code: str) -> list[NoticeJob] | DomainError:
    try:
        with unit_of_work() as session:
            return ineligible_jobs(session, call_code=call_code)
    except DomainError as exc:
        return exc


def write_letter(folder: Path, job: NoticeJob, content: bytes) -> WrittenNotice:
    """Write to a temporary name, then replace: a file is whole or absent, never half-written."""
    path = folder / job.file_name
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    return WrittenNotice(job, str(path), hashlib.sha256(content).hexdigest())


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def generate_letters(jobs: list[NoticeJob], folder: str, actor: str) -> int:
    """Render on both cores, write each file, then record the batch; reruns finish what is missing."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    done = 0
    for start in range(0, len(jobs), BATCH):
        chunk = jobs[start : start + BATCH]
        contents = render_batch([NoticeData.from_dict(job.fields) for job in chunk])
        written = [write_letter(target, job, content) for job, content in zip(chunk, contents, strict=True)]
        with unit_of_work() as session:
            done += record_notices(session, written=written, actor=actor)
    return done


@task(cache_policy=NO_CACHE)
def manifest_for(folder: str, round_id: int | None, call_code: str | None, kind: str | None = None) -> tuple[str, int]:
    with unit_of_work() as session:
        return write_manifest(
            session, path=Path(folder) / "manifest.csv", round_id=round_id, call_code=call_code, kind=kind
        )


def _folder(out_dir: str | None, name: str) -> str:
    return str(Path(out_dir) if out_dir else get_settings().output_dir / "notices" / name)


@flow(name="round-notices", on_completion=[record_stage_result], on_failure=[record_stage_result])
def round_notices_flow(round_id: int, out_dir: str | None = None, actor: str = "system") -> NoticeReport:
    """One DOCX per decision of an approved round, in the applicant's language, and the manifest."""
    folder = _folder(out_dir, f"round-{round_id}")
    jobs = owed_round_letters(round_id)
    if isinstance(jobs, DomainError):
        return NoticeReport(0, 0, folder, "", jobs.en, jobs.fr)
    generated = generate_letters(quote(jobs), folder, actor)  # type: ignore[call-overload]
    manifest, total = manifest_for(folder, round_id, None)
    return NoticeReport(generated, total, folder, manifest)


@flow(name="ineligible-notices", on_completion=[record_stage_result], on_failure=[record_stage_result])
def ineligible_notices_flow(call_code: str, out_dir: str | None = None, actor: str = "system") -> NoticeReport:
    """A letter to each ineligible applicant explaining why, once per application."""
    folder = _folder(out_dir, f"{call_code}-ineligible")
    jobs = owed_ineligible_letters(call_code)
    if isinstance(jobs, DomainError):
        return NoticeReport(0, 0, folder, "", jobs.en, jobs.fr)
    generated = generate_letters(quote(jobs), folder, actor)  # type: ignore[call-overload]
    manifest, total = manifest_for(folder, None, call_code, "ineligible")
    return NoticeReport(generated, total, folder, manifest)
