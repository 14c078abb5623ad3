"""Storing intake rows: references, tokens, organizations, idempotency (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from grants.db import unit_of_work
from grants.models import AccessToken, Application, AuditEvent, Organization
from grants.tokens import hash_token
from tests.factories import application_row, create_example_call, take_in


def test_store_intake_new_rows_get_sequential_references_and_hashed_tokens(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)

    stored = take_in(engine, tmp_path / "a.csv", [application_row(1), application_row(2), application_row(3)])

    assert [t.reference for t in stored.created] == ["CSF-2026-00001", "CSF-2026-00002", "CSF-2026-00003"]
    with unit_of_work(engine) as session:
        apps = session.exec(select(Application).order_by(col(Application.sequence))).all()
        assert [(a.reference, a.external_id, a.status) for a in apps] == [
            ("CSF-2026-00001", "PORTAL-000001", "submitted"),
            ("CSF-2026-00002", "PORTAL-000002", "submitted"),
            ("CSF-2026-00003", "PORTAL-000003", "submitted"),
        ]
        hashes = session.exec(select(AccessToken.application_id, AccessToken.token_hash, AccessToken.role)).all()
        assert sorted(hashes) == [
            (a.id, hash_token(t.token), "applicant") for a, t in zip(apps, stored.created, strict=True)
        ]
        assert all(t.token not in h for (_, h, _), t in zip(sorted(hashes), stored.created, strict=True))
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "application.submitted")).all()
        assert sorted((e.entity_id, e.to_state) for e in events) == [(a.id, "submitted") for a in apps]


def test_store_intake_same_file_twice_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    rows = [application_row(1), application_row(2)]
    take_in(engine, tmp_path / "a.csv", rows)

    again = take_in(engine, tmp_path / "b.csv", rows)

    assert (again.created, again.unchanged, again.conflicts) == ([], 2, [])
    with unit_of_work(engine) as session:
        assert len(session.exec(select(Application)).all()) == 2
        assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "application.submitted")).all()) == 2


def test_store_intake_changed_row_with_known_external_id_is_refused(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1)])

    again = take_in(engine, tmp_path / "b.csv", [application_row(1, requested_amount="99000")])

    assert again.created == []
    assert [(e.row, e.column, e.reason_en) for e in again.conflicts] == [
        (
            2,
            "external_id",
            "already imported as CSF-2026-00001 with other content; a submitted application is not changed",
        )
    ]
    with unit_of_work(engine) as session:
        assert session.exec(select(Application.requested_cents)).all() == [12_500_000]


def test_store_intake_numbering_continues_after_an_earlier_file(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1)])

    later = take_in(engine, tmp_path / "b.csv", [application_row(1), application_row(7)])

    assert [t.reference for t in later.created] == ["CSF-2026-00002"]
    assert later.unchanged == 1


def test_store_intake_organization_applying_twice_is_one_organization(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    first = application_row(1)
    second = application_row(2, registration_number=first["registration_number"], organization_name="Safe Harbour Inc.")

    take_in(engine, tmp_path / "a.csv", [first, second])

    with unit_of_work(engine) as session:
        orgs = session.exec(select(Organization)).all()
        assert [(o.registration_number, o.legal_name, o.normalized_name) for o in orgs] == [
            ("100000001RR0001", "Safe Harbour Inc.", "safe harbour")
        ]
        assert {a.organization_id for a in session.exec(select(Application))} == {orgs[0].id}


def test_store_intake_formula_text_is_stored_as_plain_text(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    title = '=HYPERLINK("http://example.org","Cliquez ici")'

    take_in(engine, tmp_path / "a.csv", [application_row(1, project_title=title)])

    with unit_of_work(engine) as session:
        assert session.exec(select(Application.title)).all() == [title]
