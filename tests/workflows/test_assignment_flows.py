"""Conflicts and assignment flows end to end on the session's Prefect backend (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from grants.db import unit_of_work
from grants.models import Application, Assignment, Reviewer
from grants.screening import screen_call
from tests.factories import add_reviewers, application_row, create_example_call, reviewer_row, take_in, write_rows
from workflows.assignment import assignment_flow, conflicts_import_flow
from workflows.runtime import run_flow


def _call_with_pool(engine: Engine, tmp_path: Path) -> None:
    """Three eligible applications (English, French, Indigenous stream) and six reviewers.

    R1 works for A1's organization; R6 is named on every application's board (the
    factory rows all list John Smith); only R4 has Indigenous community expertise.
    """
    create_example_call(engine)
    take_in(
        engine,
        tmp_path / "apps.csv",
        [
            application_row(1),
            application_row(2, language="fr"),
            application_row(3, stream="iif", indigenous_led="yes"),
        ],
    )
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")
    add_reviewers(
        engine,
        tmp_path / "rev.csv",
        [
            reviewer_row(1, affiliation="Safe Harbour Community Services 1 Inc.", max_load=3),
            reviewer_row(2, max_load=3),
            reviewer_row(3, max_load=3, expertise="legal"),
            reviewer_row(4, max_load=3, indigenous_expertise="yes", expertise="indigenous_healing"),
            reviewer_row(5, max_load=3, languages="en"),
            reviewer_row(6, name="John Smith", max_load=3),
        ],
    )


def _active(engine: Engine) -> dict[str, set[str]]:
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(Application.external_id, Reviewer.email)
            .join(Assignment, Assignment.application_id == Application.id)  # type: ignore[arg-type]
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)  # type: ignore[arg-type]
            .where(Assignment.status == "active")
        ).all()
    found: dict[str, set[str]] = {}
    for external_id, email in rows:
        found.setdefault(external_id, set()).add(email.split("@")[0])
    return found


def test_assignment_flow_respects_conflicts_languages_loads_and_indigenous_expertise(
    engine: Engine, tmp_path: Path
) -> None:
    _call_with_pool(engine, tmp_path)

    report = run_flow(assignment_flow, call_code="csf-2026")

    assert (report.problem_en, report.assigned, report.applications, report.moved_to_review) == (None, 9, 3, 3)
    assert report.detected_conflicts == 4  # R1 on A1 (same organization), R6 on all three (board member)
    active = _active(engine)
    assert {k: len(v) for k, v in active.items()} == {"PORTAL-000001": 3, "PORTAL-000002": 3, "PORTAL-000003": 3}
    assert "reviewer1" not in active["PORTAL-000001"]
    assert all("reviewer6" not in v for v in active.values())
    assert "reviewer5" not in active["PORTAL-000002"]  # reads English only
    assert "reviewer4" in active["PORTAL-000003"]
    loads: dict[str, int] = {}
    for reviewers in active.values():
        for r in reviewers:
            loads[r] = loads.get(r, 0) + 1
    assert max(loads.values()) <= 3
    with unit_of_work(engine) as session:
        assert {a.status for a in session.exec(select(Application))} == {"in_review"}


def test_declared_conflict_replaces_the_reviewer_and_a_rerun_keeps_the_rest(engine: Engine, tmp_path: Path) -> None:
    _call_with_pool(engine, tmp_path)
    run_flow(assignment_flow, call_code="csf-2026")
    before = _active(engine)
    leaving = sorted(before["PORTAL-000003"] - {"reviewer4"})[0]
    path = write_rows(
        tmp_path / "declared.csv",
        [{"reviewer_email": f"{leaving}@example.org", "external_id": "PORTAL-000003", "reason": "Former employee"}],
        ("reviewer_email", "external_id", "reason"),
    )

    imported = run_flow(conflicts_import_flow, call_code="csf-2026", path=str(path))
    rerun = run_flow(assignment_flow, call_code="csf-2026")

    assert (imported.added, imported.recused, imported.replaced) == (1, 1, 1)
    after = _active(engine)
    assert leaving not in after["PORTAL-000003"]
    assert len(after["PORTAL-000003"]) == 3
    assert before["PORTAL-000003"] - {leaving} <= after["PORTAL-000003"]
    assert {k: v for k, v in after.items() if k != "PORTAL-000003"} == {
        k: v for k, v in before.items() if k != "PORTAL-000003"
    }
    assert (rerun.assigned, rerun.problem_en) == (0, None)


def test_assignment_flow_without_enough_french_readers_says_why_and_assigns_nothing(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    create_example_call(sqlite_engine)
    take_in(sqlite_engine, tmp_path / "apps.csv", [application_row(1, language="fr"), application_row(2)])
    with unit_of_work(sqlite_engine) as session:
        screen_call(session, call_code="csf-2026")
    add_reviewers(
        sqlite_engine,
        tmp_path / "rev.csv",
        [reviewer_row(n, languages="fr" if n == 1 else "en", max_load=2) for n in range(1, 6)],
    )

    report = run_flow(assignment_flow, call_code="csf-2026")

    assert (report.problem_en, report.problem_fr) == (
        "1 French application needs 3 reviews; French-reading reviewers have 2 places left",
        "1 demande en français exige 3 évaluations; il reste 2 places aux évaluateurs lisant le français",
    )
    assert _active(sqlite_engine) == {}
