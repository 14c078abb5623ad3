"""The managers' report flow: figures from the database, an XLSX workbook and PNG charts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grants.calls import call_spec, get_call
from grants.db import unit_of_work
from grants.errors import DomainError, Lang
from grants.lifecycle import STATUS_NAMES
from grants.report_data import call_figures
from scoring.reporting import ReportData, write_charts, write_workbook
from workflows.stage_record import record_stage_result


@dataclass(frozen=True)
class ReportFiles:
    workbook: str
    charts: list[str]
    problem_en: str | None = None
    problem_fr: str | None = None


@task(cache_policy=NO_CACHE)
def gather(call_code: str) -> ReportData | DomainError:
    try:
        with unit_of_work() as session:
            spec = call_spec(get_call(session, call_code))
            figures = call_figures(session, call_code=call_code)
    except DomainError as exc:
        return exc
    return ReportData(
        stages=figures.stages,
        decisions=figures.decisions,
        payments=figures.payments,
        outcomes=figures.indicators,
        stream_names={s.code: (s.name_fr, s.name_en) for s in spec.streams},
        region_names={r.code: (r.name_fr, r.name_en) for r in spec.regions},
        stage_names={status.value: names for status, names in STATUS_NAMES.items()},
        call_code=call_code,
    )


@task(cache_policy=NO_CACHE)
def write_report(data: ReportData, folder: str, lang: Lang) -> ReportFiles:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    name = "rapport" if lang == "fr" else "report"
    workbook = write_workbook(target / f"{data.call_code}-{name}.xlsx", data, lang=lang)
    charts = write_charts(target, data, lang=lang)
    return ReportFiles(str(workbook), [str(c) for c in charts])


@flow(name="report", on_completion=[record_stage_result], on_failure=[record_stage_result])
def report_flow(call_code: str, out_dir: str, lang: Lang = "en") -> ReportFiles:
    """The call's report for managers: applications, decisions and money, payments, outcomes."""
    data = gather(call_code)
    if isinstance(data, DomainError):
        return ReportFiles("", [], data.en, data.fr)
    return write_report(data, out_dir, lang)
