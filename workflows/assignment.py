"""Reviewer pool, conflicts and assignment flows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from grants.assignment import (
    AssignmentInputs,
    StoredAssignment,
    assignment_inputs,
    describe_shortfall,
    store_assignment,
)
from grants.calls import call_spec, get_call
from grants.conflicts import (
    ConflictRow,
    StoredConflicts,
    read_declarations,
    replace_detected,
    scan_inputs,
    store_declared,
    write_declaration_errors,
)
from grants.db import unit_of_work
from grants.errors import DomainError
from grants.reviewers import StoredReviewers, read_reviewer_file, store_reviewers, write_reviewer_errors
from grants.settings import get_settings
from scoring.affinity import affinity_matrix, application_tags, language_mask
from scoring.assignment import AssignmentInfeasible, assign_reviewers
from scoring.conflicts import ApplicationRecord, ReviewerRecord, detect_conflicts
from workflows.retry import transient_database_error
from workflows.stage_record import record_stage_result

Mode = Literal["total", "fairness"]
# The most telling explanation first: a language group short of readers says more than the
# applications it leaves with too few candidates.
_SHORTFALL_ORDER = {"group_capacity": 0, "total_capacity": 1, "too_few_candidates": 2}


@dataclass(frozen=True)
class ImportReport:
    """What a reviewer or conflict import did."""

    source: str
    total_rows: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    error_report: str | None
    recused: int = 0
    replaced: int = 0
    problem_en: str | None = None
    problem_fr: str | None = None


@dataclass(frozen=True)
class AssignmentReport:
    applications: int  # applications that received reviewers in this run
    assigned: int  # new assignments
    moved_to_review: int
    objective: float
    lowest: float
    detected_conflicts: int
    problem_en: str | None = None
    problem_fr: str | None = None


def _out_folder(out_dir: str | None, call_code: str, stage: str) -> Path:
    return Path(out_dir) if out_dir else get_settings().output_dir / call_code / stage


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


# --- reviewer pool -----------------------------------------------------------------------


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def import_reviewer_file(call_code: str, path: str, out_dir: str | None, actor: str) -> ImportReport:
    """Validate the file, store the good rows in one transaction, report the others."""
    source = Path(path)
    try:
        with unit_of_work() as session:
            call = get_call(session, call_code)
            checked = read_reviewer_file(source, call_spec(call))
            stored = store_reviewers(session, call=call, rows=checked.rows, actor=actor)
    except DomainError as exc:
        return ImportReport(source.name, 0, 0, 0, 0, 0, None, problem_en=exc.en, problem_fr=exc.fr)
    report = None
    if checked.errors:
        folder = _out_folder(out_dir, call_code, "reviewers")
        report = str(write_reviewer_errors(folder / f"{source.stem}-{_stamp()}-errors.csv", checked.errors))
    return _import_report(source.name, checked.total_rows, stored, len({e.row for e in checked.errors}), report)


def _import_report(name: str, total: int, stored: StoredReviewers, rejected: int, report: str | None) -> ImportReport:
    return ImportReport(name, total, stored.created, stored.updated, stored.unchanged, rejected, report)


@flow(name="reviewers-import", on_completion=[record_stage_result], on_failure=[record_stage_result])
def reviewers_import_flow(call_code: str, path: str, out_dir: str | None = None, actor: str = "system") -> ImportReport:
    """Add or refresh a call's reviewers from a CSV or XLSX file."""
    return import_reviewer_file(call_code, path, out_dir, actor)


# --- conflicts ----------------------------------------------------------------------------


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def detect_and_store_conflicts(call_code: str, actor: str) -> StoredConflicts:
    """Compare every reviewer with every application of the call and store the ties found."""
    with unit_of_work() as session:
        call = get_call(session, call_code)
        reviewers, applications = scan_inputs(session, call=call)
        found = detect_conflicts(
            [ReviewerRecord(r.reviewer_id, r.name, r.email, r.affiliation) for r in reviewers],
            [
                ApplicationRecord(
                    a.application_id,
                    a.organization_name,
                    a.contact_email,
                    a.board_members,
                    a.key_staff,
                    a.partner_organizations,
                )
                for a in applications
            ],
        )
        columns = ["reviewer_id", "application_id", "rule", "reason_en", "reason_fr"]
        rows = [
            ConflictRow(int(rid), int(aid), str(rule), str(en), str(fr))
            for rid, aid, rule, en, fr in zip(*(found[c].tolist() for c in columns), strict=True)
        ]
        return replace_detected(session, call=call, rows=rows, actor=actor)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def import_declarations(call_code: str, path: str, out_dir: str | None, actor: str) -> ImportReport:
    """Store declared conflicts; a reviewer already assigned to the application is recused."""
    source = Path(path)
    try:
        with unit_of_work() as session:
            call = get_call(session, call_code)
            checked = read_declarations(session, call=call, path=source)
            stored = store_declared(session, call=call, rows=checked.rows, actor=actor)
    except DomainError as exc:
        return ImportReport(source.name, 0, 0, 0, 0, 0, None, problem_en=exc.en, problem_fr=exc.fr)
    report = None
    if checked.errors:
        folder = _out_folder(out_dir, call_code, "conflicts")
        report = str(write_declaration_errors(folder / f"{source.stem}-{_stamp()}-errors.csv", checked.errors))
    rejected = len({e.row for e in checked.errors})
    return ImportReport(
        source.name, checked.total_rows, stored.added, 0, stored.unchanged, rejected, report, len(stored.recused)
    )


@flow(name="conflicts-import", on_completion=[record_stage_result], on_failure=[record_stage_result])
def conflicts_import_flow(call_code: str, path: str, out_dir: str | None = None, actor: str = "system") -> ImportReport:
    """Import declared conflicts; reviewers they recuse are replaced at once by the best valid ones."""
    report = import_declarations(call_code, path, out_dir, actor)
    if report.problem_en or not report.recused:
        return report
    filled = assign(call_code, "total", actor)
    return ImportReport(**{**report.__dict__, "replaced": filled.assigned})


# --- assignment ---------------------------------------------------------------------------


@task(cache_policy=NO_CACHE)
def load_assignment_inputs(call_code: str) -> AssignmentInputs:
    with unit_of_work() as session:
        return assignment_inputs(session, call_code=call_code)


@dataclass(frozen=True)
class Solution:
    pairs: list[tuple[int, int, float]]
    objective: float
    lowest: float
    problem: DomainError | None = None


@task(cache_policy=NO_CACHE)
def solve_assignment(inputs: AssignmentInputs, regions: list[str], mode: Mode) -> Solution:
    """Build the affinity matrix and the exclusions, and find the best valid assignment."""
    apps, pool = inputs.applications, inputs.reviewers
    if not apps:
        return Solution([], 0.0, 0.0)
    affinity = affinity_matrix(
        [sorted(application_tags(a.title, a.summary, a.populations_served)) for a in apps],
        [a.regions_served for a in apps],
        [r.expertise for r in pool],
        [r.regions for r in pool],
        regions,
    )
    forbidden = ~language_mask([a.language for a in apps], [r.languages for r in pool])
    app_index = {a.application_id: i for i, a in enumerate(apps)}
    reviewer_index = {r.reviewer_id: j for j, r in enumerate(pool)}
    for app_id, reviewer_id in inputs.excluded:
        i, j = app_index.get(app_id), reviewer_index.get(reviewer_id)
        if i is not None and j is not None:
            forbidden[i, j] = True
    indigenous = np.array([r.indigenous_expertise for r in pool], dtype=bool)
    wants = np.array([a.wants_indigenous for a in apps], dtype=bool)
    preferred = np.outer(wants, indigenous)
    groups = {lang: np.array([a.language == lang for a in apps], dtype=bool) for lang in ("fr", "en")}
    try:
        result = assign_reviewers(
            affinity,
            np.array([a.needed for a in apps], dtype=np.int64),
            np.array([r.places_left for r in pool], dtype=np.int64),
            forbidden=forbidden,
            mode=mode,
            preferred=preferred if preferred.any() else None,
            groups=groups,
        )
    except AssignmentInfeasible as exc:
        first = min(exc.shortfalls, key=lambda f: _SHORTFALL_ORDER.get(f.kind, len(_SHORTFALL_ORDER)))
        problem = describe_shortfall(
            first.kind,
            applications=first.applications,
            reviews_needed=first.reviews_needed,
            places_left=first.places_left,
            group=str(first.detail.get("group", "")),
        )
        return Solution([], 0.0, 0.0, problem)
    pairs = [(apps[i].application_id, pool[j].reviewer_id, float(affinity[i, j])) for i, j in result.pairs.tolist()]
    return Solution(pairs, float(result.objective), float(result.lowest))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=transient_database_error)
def store_solution(call_code: str, pairs: list[tuple[int, int, float]], actor: str) -> StoredAssignment:
    with unit_of_work() as session:
        return store_assignment(session, call_code=call_code, pairs=pairs, actor=actor)


def assign(call_code: str, mode: Mode, actor: str) -> AssignmentReport:
    """Detect conflicts, then give every application still short of reviewers its best valid ones."""
    detected = detect_and_store_conflicts(call_code, actor)
    with unit_of_work() as session:
        regions = [r.code for r in call_spec(get_call(session, call_code)).regions]
    inputs = load_assignment_inputs(call_code)
    solution = solve_assignment(quote(inputs), regions, mode)  # type: ignore[call-overload]
    if solution.problem is not None:
        return AssignmentReport(0, 0, 0, 0.0, 0.0, detected.added + detected.unchanged,
                                solution.problem.en, solution.problem.fr)  # fmt: skip
    stored = store_solution(call_code, quote(solution.pairs), actor)  # type: ignore[call-overload]
    return AssignmentReport(
        applications=stored.applications,
        assigned=stored.assigned,
        moved_to_review=stored.moved_to_review,
        objective=solution.objective,
        lowest=solution.lowest,
        detected_conflicts=detected.added + detected.unchanged,
    )


@flow(name="assignment", on_completion=[record_stage_result], on_failure=[record_stage_result])
def assignment_flow(call_code: str, mode: Mode = "total", actor: str = "system") -> AssignmentReport:
    """Assign reviewers to a call's eligible applications; existing valid assignments are kept."""
    return assign(call_code, mode, actor)
