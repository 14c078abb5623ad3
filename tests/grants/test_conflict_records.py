"""Declared and detected conflicts, and the recusal they cause (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from grants.calls import get_call
from grants.conflicts import ConflictRow, list_conflicts, read_declarations, replace_detected, store_declared
from grants.db import unit_of_work
from grants.models import Application, Assignment, AuditEvent, Conflict, Reviewer
from tests.factories import add_reviewers, application_row, create_example_call, reviewer_row, take_in, write_rows


def _setup(engine: Engine, tmp_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(1), application_row(2)])
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(1), reviewer_row(2)])
    with unit_of_work(engine) as session:
        apps = {a.external_id: a.id or 0 for a in session.exec(select(Application))}
        reviewers = {r.email: r.id or 0 for r in session.exec(select(Reviewer))}
    return apps, reviewers


def _declare(engine: Engine, path: Path, rows: list[dict[str, str]]) -> tuple[list[tuple[int, str, str]], int, int]:
    write_rows(path, rows, ("reviewer_email", "external_id", "reason"))
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
        checked = read_declarations(session, call=call, path=path)
        stored = store_declared(session, call=call, rows=checked.rows, actor="manager.a")
    return [(e.row, e.column, e.reason_en) for e in checked.errors], stored.added, len(stored.recused)


def test_declared_conflicts_are_stored_once_and_bad_rows_reported(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    rows = [
        {"reviewer_email": "reviewer1@example.org", "external_id": "PORTAL-000002", "reason": "Sits on its board"},
        {"reviewer_email": "nobody@example.org", "external_id": "PORTAL-000001", "reason": "x"},
        {"reviewer_email": "reviewer2@example.org", "external_id": "PORTAL-999999", "reason": "x"},
        {"reviewer_email": "reviewer2@example.org", "external_id": "PORTAL-000001", "reason": ""},
    ]

    errors, added, _ = _declare(engine, tmp_path / "c.csv", rows)
    _, added_again, _ = _declare(engine, tmp_path / "c.csv", rows[:1])

    assert errors == [
        (3, "reviewer_email", "no reviewer of this call has this e-mail"),
        (4, "external_id", "no application of this call has this id"),
        (5, "reason", "required value is empty"),
    ]
    assert (added, added_again) == (1, 0)
    with unit_of_work(engine) as session:
        views = list_conflicts(session, call=get_call(session, "csf-2026"))
    assert [(v.reviewer_email, v.reference, v.source, v.rule, v.reason_en) for v in views] == [
        ("reviewer1@example.org", "CSF-2026-00002", "declared", "declared", "Sits on its board")
    ]


def test_declared_conflict_on_an_assigned_reviewer_recuses_them(engine: Engine, tmp_path: Path) -> None:
    apps, reviewers = _setup(engine, tmp_path)
    with unit_of_work(engine) as session:
        session.add(Assignment(application_id=apps["PORTAL-000002"], reviewer_id=reviewers["reviewer1@example.org"]))
        session.add(Assignment(application_id=apps["PORTAL-000001"], reviewer_id=reviewers["reviewer1@example.org"]))
    row = {"reviewer_email": "reviewer1@example.org", "external_id": "PORTAL-000002", "reason": "Former employee"}

    _, _, recused = _declare(engine, tmp_path / "c.csv", [row])

    assert recused == 1
    with unit_of_work(engine) as session:
        statuses = {a.application_id: a.status for a in session.exec(select(Assignment))}
        assert statuses == {apps["PORTAL-000002"]: "recused", apps["PORTAL-000001"]: "active"}
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.recused")).one()
        assert (event.from_state, event.to_state, event.actor) == ("active", "recused", "manager.a")


def test_replace_detected_keeps_exactly_the_latest_scan(engine: Engine, tmp_path: Path) -> None:
    apps, reviewers = _setup(engine, tmp_path)
    r1, r2 = reviewers["reviewer1@example.org"], reviewers["reviewer2@example.org"]
    a1, a2 = apps["PORTAL-000001"], apps["PORTAL-000002"]
    first = [ConflictRow(r1, a1, "same_email_domain", "Same e-mail domain (x.ca)", "Même domaine de courriel (x.ca)"),
             ConflictRow(r2, a2, "named_on_application", "On the board", "Au conseil")]  # fmt: skip
    second = [first[1], ConflictRow(r2, a1, "partner_organization", "Partner", "Partenaire")]

    with unit_of_work(engine) as session:
        stored_first = replace_detected(session, call=get_call(session, "csf-2026"), rows=first, actor="system")
    with unit_of_work(engine) as session:
        stored_second = replace_detected(session, call=get_call(session, "csf-2026"), rows=second, actor="system")

    assert (stored_first.added, stored_second.added, stored_second.unchanged) == (2, 1, 1)
    with unit_of_work(engine) as session:
        stored = session.exec(select(Conflict).order_by(col(Conflict.reviewer_id), col(Conflict.application_id)))
        assert [(c.reviewer_id, c.application_id, c.source, c.rule) for c in stored] == [
            (r2, a1, "detected", "partner_organization"),
            (r2, a2, "detected", "named_on_application"),
        ]
