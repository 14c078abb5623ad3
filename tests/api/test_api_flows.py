"""The API with real flow runs on the session's Prefect backend (SQLite and PostgreSQL).

A manager creates a call and starts intake, screening, reviewer import and assignment;
each request returns at once with a run id, and /runs/{id} reports the state and the
domain result. The applicant then reads its status in French, and a reviewer scores a
proposal and declares a conflict on another, which starts the replacement run.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api.app import create_app
from grants.access import add_manager, reviewer_token
from grants.db import unit_of_work
from grants.intake import EXPECTED_COLUMNS
from grants.models import Assignment, Conflict, Reviewer
from grants.reviewers import COLUMNS as REVIEWER_COLUMNS
from tests.api.world import open_call_toml
from tests.factories import application_row, reviewer_row, write_rows

pytestmark = pytest.mark.flow


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def _finished(client: TestClient, headers: dict[str, str], started: Any) -> dict[str, Any]:
    """Wait for the run a 202 answer started (``run_id`` at the top or under ``replacement``)."""
    assert started.status_code == 202, started.text
    body = started.json()
    run_id = body.get("run_id") or body["replacement"]["run_id"]
    for _ in range(300):
        status = client.get(f"/api/v1/runs/{run_id}", headers=headers).json()
        if status["outcome"]:
            assert status["state"] == "COMPLETED"
            return dict(status)
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish: {status}")


def test_manager_runs_stages_through_the_api_and_people_use_the_results(
    engine: Engine, client: TestClient, tmp_path: Path
) -> None:
    with unit_of_work(engine) as session:
        manager = {"Authorization": f"Bearer {add_manager(session, name='Mina Manager', actor='setup').token}"}
    created = client.post("/api/v1/calls", headers=manager, json={"toml": open_call_toml()})
    rows = [application_row(1, language="fr"), application_row(2), application_row(3, province="QC")]
    for row in rows:
        row["submitted_at"] = "2026-11-20T10:00:00"  # the call is open now
    apps = write_rows(tmp_path / "apps.csv", rows, EXPECTED_COLUMNS)
    reviewers = write_rows(tmp_path / "reviewers.csv", [reviewer_row(n) for n in (1, 2, 3, 4)], REVIEWER_COLUMNS)

    with apps.open("rb") as handle:
        intake = _finished(
            client,
            manager,
            client.post(
                "/api/v1/calls/csf-2026/intake", headers=manager, files={"file": ("apps.csv", handle, "text/csv")}
            ),
        )
    screening = _finished(client, manager, client.post("/api/v1/calls/csf-2026/screening", headers=manager))
    with reviewers.open("rb") as handle:
        imported = _finished(
            client,
            manager,
            client.post(
                "/api/v1/calls/csf-2026/reviewers",
                headers=manager,
                files={"file": ("reviewers.csv", handle, "text/csv")},
            ),
        )
    assignment = _finished(client, manager, client.post("/api/v1/calls/csf-2026/assignment", headers=manager))

    assert (created.status_code, created.json()["change"]) == (201, "created")
    assert (intake["stage"], intake["outcome"], intake["requested_by"]) == ("intake", "completed", "Mina Manager")
    assert (intake["result"]["accepted"], intake["result"]["rejected"]) == (3, 0)
    assert (screening["result"]["eligible"], screening["result"]["ineligible"]) == (2, 1)
    assert (imported["result"]["added"], assignment["result"]["assigned"]) == (4, 6)

    with open(intake["result"]["token_file"], encoding="utf-8-sig") as handle:
        tokens = {row["reference"]: row["access_token"] for row in csv.DictReader(handle)}
    status = client.get(
        "/api/v1/applications/CSF-2026-00001", headers={"Authorization": f"Bearer {tokens['CSF-2026-00001']}"}
    )
    assert (status.status_code, status.json()["status_code"], status.json()["status"]["stage"]) == (
        200,
        "in_review",
        "en évaluation",
    )
    assert status.json()["status"]["language"] == "fr"

    with unit_of_work(engine) as session:
        pairs = session.exec(select(Reviewer.email, Assignment.application_id).join(Assignment)).all()
        email = sorted(pairs)[0][0]
        reviewer = {
            "Authorization": f"Bearer {reviewer_token(session, email=email, call_code=None, actor='setup').token}"
        }
    listed = client.get("/api/v1/reviewer/assignments", headers=reviewer).json()
    first, second = listed[0]["reference"], listed[1]["reference"]
    codes = [
        "need_alignment",
        "survivor_centred",
        "cultural_accessibility",
        "capacity_partnerships",
        "budget_value",
        "evaluation_outcomes",
    ]
    review = {
        "scores": dict.fromkeys(codes, 4),
        "comments": dict.fromkeys(codes, "Well argued."),
        "recommendation": "fund",
    }
    put = client.put(f"/api/v1/reviewer/assignments/{first}/review", headers=reviewer, json=review)
    again = client.put(f"/api/v1/reviewer/assignments/{first}/review", headers=reviewer, json=review)
    declared = client.post(
        f"/api/v1/reviewer/assignments/{second}/conflict", headers=reviewer, json={"reason": "I sit on its board"}
    )
    replacement = _finished(client, manager, declared)

    assert (put.json()["change"], again.json()["change"]) == ("created", "unchanged")
    assert (replacement["stage"], replacement["result"]["assigned"]) == ("assignment", 1)
    assert [a["reference"] for a in client.get("/api/v1/reviewer/assignments", headers=reviewer).json()] == [first]
    assert client.get(f"/api/v1/reviewer/assignments/{second}", headers=reviewer).status_code == 404
    with unit_of_work(engine) as session:
        conflict = session.exec(select(Conflict).where(Conflict.source == "declared")).one()
        assert (conflict.reason_en, conflict.rule) == ("I sit on its board", "declared")
