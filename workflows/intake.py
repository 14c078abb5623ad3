"""Intake flow: read and validate a CSV/XLSX file, store the good rows, report the rest."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from grants.applications import StoredIntake, store_intake
from grants.calls import call_spec, get_call
from grants.db import unit_of_work
from grants.errors import DomainError
from grants.intake import (
    ValidatedFile,
    check_columns,
    read_table,
    validate_rows,
    write_error_report,
    write_token_file,
)
from grants.notice_records import receipt_jobs, write_manifest
from grants.settings import get_settings
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result


@dataclass(frozen=True)
class IntakeReport:
    """What an intake run did, for the command line and the API."""

    call_code: str
    source: str
    total_rows: int
    accepted: int
    unchanged: int
    rejected: int
    error_report: str | None
    token_file: str | None
    receipts: str | None = None  # folder of the receipt letters
    # Set when the whole file was refused (unreadable, missing columns, unknown call).
    problem_en: str | None = None
    problem_fr: str | None = None


@dataclass(frozen=True)
class FileProblem:
    en: str
    fr: str


@task(cache_policy=NO_CACHE)
def validate_intake_file(call_code: str, path: str) -> ValidatedFile | FileProblem:
    """Read the file and check every row against the call (no writes).

    A file refused as a whole is an expected outcome, returned rather than raised.
    """
    try:
        with unit_of_work() as session:
            spec = call_spec(get_call(session, call_code))
        source = Path(path)
        frame = read_table(source)
        check_columns(frame, source=source.name)
    except DomainError as exc:
        return FileProblem(en=exc.en, fr=exc.fr)
    return validate_rows(frame, spec)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def store_valid_rows(call_code: str, validated: ValidatedFile, actor: str) -> StoredIntake:
    """Store the good rows in one transaction; a rerun adds nothing."""
    with unit_of_work() as session:
        return store_intake(session, call=get_call(session, call_code), rows=validated.rows, actor=actor)


@task(cache_policy=NO_CACHE)
def write_intake_files(
    call_code: str, source: str, validated: ValidatedFile, stored: StoredIntake, out_dir: str | None
) -> IntakeReport:
    """Write the error report (if any row was rejected) and the new access tokens."""
    folder = Path(out_dir) if out_dir else get_settings().output_dir / call_code / "intake"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = Path(source).stem
    errors = validated.errors + stored.conflicts
    error_report = write_error_report(folder / f"{stem}-{stamp}-errors.csv", errors) if errors else None
    token_file = None
    if stored.created:
        token_file = write_token_file(
            folder / f"{stem}-{stamp}-access-tokens.csv",
            [
                {
                    "reference": t.reference,
                    "external_id": t.external_id,
                    "contact_email": t.contact_email,
                    "language": t.language,
                    "access_token": t.token,
                }
                for t in stored.created
            ],
        )
    return IntakeReport(
        call_code=call_code,
        source=Path(source).name,
        total_rows=validated.total_rows,
        accepted=len(stored.created),
        unchanged=stored.unchanged,
        rejected=len({e.row for e in errors}),
        error_report=str(error_report) if error_report else None,
        token_file=str(token_file) if token_file else None,
    )


@task(cache_policy=NO_CACHE)
def receipt_letters(call_code: str, stored: StoredIntake, out_dir: str | None, actor: str) -> str | None:
    """A receipt letter (reference and access token) for each application just taken in."""
    from workflows.notices import generate_letters

    if not stored.created:
        return None
    with unit_of_work() as session:
        jobs = receipt_jobs(session, call_code=call_code, tokens=stored.created)
    folder = Path(out_dir) / "receipts" if out_dir else get_settings().output_dir / "notices" / f"{call_code}-receipts"
    generate_letters.fn(jobs, str(folder), actor)
    with unit_of_work() as session:
        write_manifest(session, path=folder / "manifest.csv", call_code=call_code, kind="receipt")
    return str(folder)


@flow(name="intake", log_prints=False, on_completion=[record_stage_result], on_failure=[record_stage_result])
def intake_flow(
    call_code: str, path: str, out_dir: str | None = None, actor: str = "system", receipts: bool = True
) -> IntakeReport:
    """Take in a file of applications for a call; each new applicant gets a receipt letter."""
    validated = validate_intake_file(call_code, path)
    if isinstance(validated, FileProblem):
        return IntakeReport(
            call_code, Path(path).name, 0, 0, 0, 0, None, None, problem_en=validated.en, problem_fr=validated.fr
        )
    # quote(): Prefect would otherwise walk every row looking for upstream futures.
    stored = store_valid_rows(call_code, quote(validated), actor)  # type: ignore[call-overload]
    report = write_intake_files(call_code, path, quote(validated), quote(stored), out_dir)  # type: ignore[call-overload]
    if receipts:
        folder = receipt_letters(call_code, quote(stored), out_dir, actor)  # type: ignore[call-overload]
        return replace(report, receipts=folder)
    return report


def report_dict(report: IntakeReport) -> dict[str, object]:
    return asdict(report)
