"""The intake and screening flows on the session's Prefect backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from grants.db import unit_of_work
from grants.models import AccessToken, Application
from grants.tokens import hash_token
from tests.factories import application_row, create_example_call, write_applications
from workflows.intake import intake_flow
from workflows.runtime import run_flow
from workflows.screening import screening_flow


def _read_csv(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_intake_then_screening_flows_store_good_rows_and_report_bad_ones(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    formula = '=HYPERLINK("http://example.org","Cliquez ici")'
    source = write_applications(
        tmp_path / "applications.csv",
        [
            application_row(1),
            application_row(2, contact_email="info@@example"),
            application_row(3, stream="iif", indigenous_led="oui", language="fr"),
            application_row(1),
            application_row(4, submitted_at="2026-03-20T10:00:00"),
            application_row(5, duration_months="douze"),
            application_row(6, requested_amount="200000", total_budget="150000"),
            application_row(7, stream="xyz"),
            application_row(8, regions_served="north"),
            application_row(9, project_title=formula),
            application_row(10, requested_amount="400000", total_budget="500000"),
        ],
    )

    report = run_flow(intake_flow, call_code="csf-2026", path=str(source), out_dir=str(tmp_path / "out"))
    screening = run_flow(screening_flow, call_code="csf-2026")

    assert (report.total_rows, report.accepted, report.unchanged, report.rejected) == (11, 5, 0, 6)
    assert report.error_report is not None
    assert report.token_file is not None
    assert [(r["row"], r["column"], r["reason_en"]) for r in _read_csv(report.error_report)] == [
        ("3", "contact_email", "not a valid e-mail address"),
        ("5", "external_id", "duplicate of row 2 (same external id)"),
        ("7", "duration_months", "not a whole number"),
        ("8", "requested_amount", "greater than the project's total budget"),
        ("9", "stream", "unknown value; expected one of: csf, iif"),
        (
            "10",
            "regions_served",
            "unknown region 'north'; expected: central, east, northeast, northwest, toronto, west",
        ),
    ]
    tokens = _read_csv(report.token_file)
    assert [(t["reference"], t["external_id"], t["language"]) for t in tokens] == [
        ("CSF-2026-00001", "PORTAL-000001", "en"),
        ("CSF-2026-00002", "PORTAL-000003", "fr"),
        ("CSF-2026-00003", "PORTAL-000004", "en"),
        ("CSF-2026-00004", "PORTAL-000009", "en"),
        ("CSF-2026-00005", "PORTAL-000010", "en"),
    ]
    assert stat.S_IMODE(Path(report.token_file).stat().st_mode) == 0o600
    assert (screening.eligible, screening.ineligible, screening.needs_review) == (3, 2, 0)
    assert screening.failures_by_rule == {"deadline": 1, "request_range": 1}
    with unit_of_work(engine) as session:
        apps = session.exec(select(Application).order_by(Application.reference)).all()
        assert [(a.reference, a.status, a.title) for a in apps] == [
            ("CSF-2026-00001", "eligible", "Safe pathways for survivors in the northeast"),
            ("CSF-2026-00002", "eligible", "Safe pathways for survivors in the northeast"),
            ("CSF-2026-00003", "ineligible", "Safe pathways for survivors in the northeast"),
            ("CSF-2026-00004", "eligible", formula),
            ("CSF-2026-00005", "ineligible", "Safe pathways for survivors in the northeast"),
        ]
        hashes = dict(session.exec(select(AccessToken.application_id, AccessToken.token_hash)).all())
        assert [hashes[a.id] for a in apps] == [hash_token(t["access_token"]) for t in tokens]


def test_intake_flow_rerun_of_the_same_file_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    source = write_applications(tmp_path / "applications.csv", [application_row(1), application_row(2)])
    run_flow(intake_flow, call_code="csf-2026", path=str(source), out_dir=str(tmp_path / "out"))

    again = run_flow(intake_flow, call_code="csf-2026", path=str(source), out_dir=str(tmp_path / "out"))

    assert (again.accepted, again.unchanged, again.rejected, again.error_report, again.token_file) == (
        0,
        2,
        0,
        None,
        None,
    )


def test_intake_flow_file_without_required_columns_changes_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    create_example_call(sqlite_engine)
    columns = ("external_id", "organization_name", "stream")
    source = write_applications(tmp_path / "short.csv", [application_row(1)], columns=columns)

    report = run_flow(intake_flow, call_code="csf-2026", path=str(source), out_dir=str(tmp_path / "out"))

    assert report.problem_en is not None
    assert report.problem_en.startswith("short.csv: missing column(s): submitted_at, ")
    assert report.accepted == 0
    assert not (tmp_path / "out").exists()
    with unit_of_work(sqlite_engine) as session:
        assert session.exec(select(Application)).all() == []
