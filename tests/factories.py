"""Builders for test data: the example call and intake rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from grants.applications import StoredIntake, store_intake
from grants.awards import DecisionRow, approve_round, inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call, save_call
from grants.callspec import CallSpec, load_call_spec
from grants.db import unit_of_work
from grants.intake import EXPECTED_COLUMNS, ValidatedFile, read_table, validate_rows
from grants.models import Application, ApplicationScore, Call
from grants.reviewers import StoredReviewers, store_reviewers, validate_reviewers

EXAMPLE_CALL = Path(__file__).resolve().parents[1] / "examples" / "csf-2026.toml"


def example_spec() -> CallSpec:
    return load_call_spec(EXAMPLE_CALL)


def create_example_call(engine: Engine) -> Call:
    with unit_of_work(engine) as session:
        call, _ = save_call(session, spec=example_spec(), actor="manager.test")
    return call


def application_row(n: int = 1, **overrides: Any) -> dict[str, str]:
    """One valid, eligible application row (the ``n``-th organization)."""
    row = {
        "external_id": f"PORTAL-{n:06d}",
        "submitted_at": "2026-02-17T14:05:00",
        "organization_name": f"Safe Harbour Community Services {n}",
        "organization_type": "nonprofit",
        "registration_number": f"{100000000 + n}RR0001",
        "organization_region": "northeast",
        "province": "ON",
        "indigenous_led": "no",
        "contact_name": "Marie Tremblay",
        "contact_email": f"info{n}@safeharbour.ca",
        "board_members": "Anne Côté; John Smith",
        "key_staff": "Lucie Martin",
        "partner_organizations": "Sudbury Police Service; Health Sciences North",
        "project_title": "Safe pathways for survivors in the northeast",
        "project_summary": (
            "Trauma-informed navigation and transitional support for survivors of human trafficking, "
            "delivered with local partners across the northeast region."
        ),
        "stream": "csf",
        "regions_served": "northeast; northwest",
        "populations_served": "youth; women",
        "requested_amount": "125000",
        "total_budget": "180000",
        "start_date": "2026-07-01",
        "duration_months": "24",
        "language": "en",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def write_applications(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = EXPECTED_COLUMNS) -> Path:
    return write_rows(path, rows, columns)


def validated(path: Path, rows: list[dict[str, str]]) -> ValidatedFile:
    """Write rows to a CSV and validate them against the example call."""
    return validate_rows(read_table(write_applications(path, rows)), example_spec())


def take_in(engine: Engine, path: Path, rows: list[dict[str, str]]) -> StoredIntake:
    """Validate and store rows for the example call (which must exist)."""
    checked = validated(path, rows)
    assert checked.errors == []
    with unit_of_work(engine) as session:
        return store_intake(session, call=get_call(session, "csf-2026"), rows=checked.rows, actor="intake.test")


REVIEWER_COLUMNS = (
    "name",
    "email",
    "affiliation",
    "expertise",
    "languages",
    "indigenous_expertise",
    "max_load",
    "regions",
)


def reviewer_row(n: int = 1, **overrides: Any) -> dict[str, str]:
    """One valid reviewer row (the ``n``-th reviewer)."""
    row = {
        "name": f"Reviewer {n} Lavoie",
        "email": f"reviewer{n}@example.org",
        "affiliation": f"Independent Evaluators {n}",
        "expertise": "survivor_services; housing",
        "languages": "en; fr",
        "indigenous_expertise": "no",
        "max_load": "10",
        "regions": "northeast",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def write_rows(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def add_reviewers(engine: Engine, path: Path, rows: list[dict[str, str]]) -> StoredReviewers:
    """Validate and store reviewer rows for the example call (which must exist)."""
    checked = validate_reviewers(read_table(write_rows(path, rows, REVIEWER_COLUMNS)), example_spec())
    assert checked.errors == []
    with unit_of_work(engine) as session:
        return store_reviewers(session, call=get_call(session, "csf-2026"), rows=checked.rows, actor="pool.test")


SCORES = [4.6, 4.2, 3.9, 3.4, 2.1]


def reviewed_applications(engine: Engine, tmp_path: Path) -> None:
    """Five reviewed applications asking $125,000 each, scored from 4.6 down to 2.1 (below the line)."""
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(n, regions_served="toronto") for n in range(1, 6)])
    with unit_of_work(engine) as session:
        apps = session.exec(select(Application).order_by(col(Application.id))).all()
        for rank, (app, score) in enumerate(zip(apps, SCORES, strict=True), start=1):
            app.status = "reviewed"  # type: ignore[assignment]
            session.add(app)
            session.add(ApplicationScore(application_id=app.id or 0, calibrated=score, standard_error=0.05,
                                         rank=rank, tie_group=rank, n_reviews=3))  # fmt: skip


FUNDED_REFERENCE = "CSF-2026-00001"


def funded_application(engine: Engine, tmp_path: Path) -> None:
    """CSF-2026-00001 funded $125,000 (starts 2026-07-01, 24 months): payments on signing and every 6 months."""
    reviewed_applications(engine, tmp_path)
    with unit_of_work(engine) as session:
        app = session.exec(select(Application).where(Application.reference == FUNDED_REFERENCE)).one()
        call = get_call(session, "csf-2026")
        award_round = record_round(
            session, call_code="csf-2026", policy=resolve_policy(example_spec(), None, seed=1),
            decisions=[DecisionRow(app.id or 0, "funded", 12_500_000, None, "rank", "Funded.", "Financée.")],
            report={}, inputs_hash=inputs_fingerprint(session, call=call), dry_run=False, run_by="A", kind="initial",
        )  # fmt: skip
        round_id = award_round.id or 0
    with unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager="B")
