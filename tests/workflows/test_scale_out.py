"""Scale-out: a Prefect server on loopback, a process worker, the stages as deployments.

The same small call runs twice: embedded on SQLite (flows in this process), then on
PostgreSQL through a Prefect server (on PostgreSQL too) and a process worker started as
its own process, with the same code and only configuration changed. The outcomes must
be equal, application by application.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from grants import db
from grants.awards import approve_round
from grants.calls import save_call
from grants.db import make_engine, unit_of_work
from grants.intake import EXPECTED_COLUMNS
from grants.models import Application, Decision, Milestone, Notice, StageRun
from grants.reviewers import COLUMNS as REVIEWER_COLUMNS
from grants.reviews import simulate_reviews
from grants.settings import get_settings
from tests.conftest import PG_ADMIN_URL
from tests.factories import application_row, example_spec, reviewer_row, write_rows
from workflows.assignment import assignment_flow, reviewers_import_flow
from workflows.awards import award_round_flow
from workflows.intake import intake_flow
from workflows.notices import round_notices_flow
from workflows.runtime import run_flow
from workflows.scoring import review_summary_flow
from workflows.screening import screening_flow

pytestmark = [pytest.mark.flow, pytest.mark.postgres]
REGIONS = ["northeast", "toronto", "east", "west", "central", "northwest"]


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRANTS_DATABASE_URL", url)
    get_settings.cache_clear()
    db._engine_for.cache_clear()


def _pipeline(folder: Path) -> dict[str, Any]:
    """Intake to letters for a call of 12 applications and 6 reviewers; what came out of it."""
    folder.mkdir(parents=True)
    rows = [application_row(n, regions_served=REGIONS[n % 6], requested_amount=60000 + 5000 * n,
                            language="fr" if n % 3 == 0 else "en") for n in range(1, 13)]  # fmt: skip
    rows[4]["province"] = "QC"  # one ineligible application
    apps = write_rows(folder / "apps.csv", rows, EXPECTED_COLUMNS)
    pool = write_rows(folder / "reviewers.csv", [reviewer_row(n, max_load=12) for n in range(1, 7)], REVIEWER_COLUMNS)
    with unit_of_work() as session:
        save_call(session, spec=example_spec(), actor="setup")
    intake = run_flow(intake_flow, call_code="csf-2026", path=str(apps), out_dir=str(folder / "out"), actor="m")
    screening = run_flow(screening_flow, call_code="csf-2026", actor="m")
    imported = run_flow(reviewers_import_flow, call_code="csf-2026", path=str(pool), actor="m")
    assigned = run_flow(assignment_flow, call_code="csf-2026", actor="m")
    with unit_of_work() as session:
        simulate_reviews(session, call_code="csf-2026", seed=7, actor="m")
    summary = run_flow(review_summary_flow, call_code="csf-2026", actor="m")
    award = run_flow(award_round_flow, call_code="csf-2026", seed=11, actor="Runner")
    with unit_of_work() as session:
        approve_round(session, round_id=award.round_id or 0, manager="Approver")
    letters = run_flow(round_notices_flow, round_id=award.round_id or 0, out_dir=str(folder / "letters"), actor="m")
    with unit_of_work() as session:
        statuses = dict(session.exec(select(Application.reference, Application.status)).all())
        decisions = sorted(
            session.exec(
                select(Application.reference, Decision.outcome, Decision.amount_cents).join(
                    Application, col(Application.id) == col(Decision.application_id)
                )
            ).all()
        )
        milestones = len(session.exec(select(Milestone.id)).all())
        notices = sorted(session.exec(select(Notice.kind, Notice.language)).all())
        runs = sorted((r.stage, r.outcome) for r in session.exec(select(StageRun)).all())
    return {
        "intake": (intake.accepted, intake.rejected),
        "screening": (screening.eligible, screening.ineligible),
        "reviewers": imported.added,
        "assigned": assigned.assigned,
        "summary": (summary.applications, summary.reviews),
        "award": (award.funded, award.waitlisted, award.declined),
        "letters": letters.generated,
        "statuses": statuses,
        "decisions": decisions,
        "milestones": milestones,
        "notices": notices,
        "runs": runs,
    }


def _through_the_api_launcher() -> tuple[str, str, dict[str, Any]]:
    """What the API does with a server: a deployment run left to the worker, then its state and result."""
    from workflows.stages import Launcher

    launcher = Launcher()
    run_id = launcher.start("screening", {"call_code": "csf-2026", "actor": "api"}, requested_by="api",
                            call_code="csf-2026")  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with unit_of_work() as session:
            run = session.exec(select(StageRun).where(StageRun.flow_run_id == run_id)).one()
            outcome, result = run.outcome, dict(run.result)
        if outcome:
            return launcher.state(run_id).type, outcome, result
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish")


def _daily_check_schedule() -> tuple[str, str, bool]:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("milestone-check/grants")
    (only,) = deployment.schedules
    return only.schedule.cron, only.schedule.timezone, only.active  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[str]:
    """`prefect server start` on loopback, its database on this machine's PostgreSQL."""
    name = f"prefect_test_{os.getpid()}"
    admin = make_engine(PG_ADMIN_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server_db = make_engine(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    with server_db.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    server_db.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-server"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": make_url(PG_ADMIN_URL)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False),
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((tmp_path / "server.log").read_text()[-2000:]) from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_pipeline_through_deployments_and_a_worker_equals_the_embedded_run(
    sqlite_url: str, postgresql_url: str, prefect_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from workflows.deployments import register

    _use(sqlite_url, monkeypatch)
    embedded = _pipeline((tmp_path / "embedded").resolve())

    _use(postgresql_url, monkeypatch)
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = None
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server}):
            assert register("test-pool")[0] == "intake/grants"
            assert _daily_check_schedule() == ("0 6 * * *", "America/Toronto", True)
            env = {**os.environ, "PREFECT_API_URL": prefect_server, "GRANTS_DATABASE_URL": postgresql_url,
                   "GRANTS_HOME": str(tmp_path / "worker-home"), "PREFECT_HOME": str(tmp_path / "worker-prefect"),
                   "PREFECT_WORKER_QUERY_SECONDS": "1"}  # fmt: skip
            env.pop("PREFECT_SERVER_DATABASE_CONNECTION_URL", None)
            worker = subprocess.Popen(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", "test-pool", "--type", "process"],
                env=env, stdout=worker_log, stderr=subprocess.STDOUT, cwd=tmp_path,
            )  # fmt: skip
            distributed = _pipeline((tmp_path / "distributed").resolve())
            launched = _through_the_api_launcher()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        worker_log.close()

    assert distributed == embedded
    assert launched == ("COMPLETED", "completed", {"screened": 0, "eligible": 0, "ineligible": 0, "needs_review": 0,
                                                   "failures_by_rule": {}, "letters": None})  # fmt: skip
    assert embedded["award"][0] > 0 and embedded["letters"] == len(embedded["decisions"])
    assert "Traceback" not in (tmp_path / "worker.log").read_text()
