"""Every route x every role: the exact status code, and no foreign data in any refusal.

Roles: no token, the applicant of another application, a reviewer not assigned to the
proposal, a reviewer conflicted with it, a manager; and the entitled applicant and
reviewer. Stages are started through a recording launcher here (real flow runs are
tested in test_api_flows.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api.app import create_app
from grants.awards import inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call
from grants.callspec import parse_call_text
from grants.db import unit_of_work
from grants.milestones import sign_agreement, submit_report
from grants.models import Application, MilestoneReport, StageRun
from scoring.reporting import INDICATORS
from tests.api.world import FakeLauncher, World, build_world, open_call_toml
from tests.factories import application_row

ROLES = (
    "none",
    "applicant_other",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "manager",
    "applicant_own",
    "reviewer_assigned",
)
A, R, M = "applicant", "reviewer", "manager"


@dataclass
class Route:
    method: str
    path: str
    allowed: dict[str, int]  # role -> status when entitled
    kind: str  # who the route is for: applicant | reviewer | manager | public
    body: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    prepare: Callable[[Engine, World], dict[str, Any]] | None = None  # path values made by the setup


def _review(world: World) -> dict[str, Any]:
    codes = [
        "need_alignment",
        "survivor_centred",
        "cultural_accessibility",
        "capacity_partnerships",
        "budget_value",
        "evaluation_outcomes",
    ]
    return {
        "json": {
            "scores": dict.fromkeys(codes, 4),
            "comments": dict.fromkeys(codes, "Clear and well argued."),
            "recommendation": "fund",
        }
    }


def _application(world: World) -> dict[str, Any]:
    row = application_row(9)
    payload: dict[str, Any] = {k: v for k, v in row.items() if k != "submitted_at"}
    for name in ("board_members", "key_staff", "partner_organizations", "regions_served", "populations_served"):
        payload[name] = [p.strip() for p in row[name].split(";") if p.strip()]
    payload["indigenous_led"] = False
    payload["duration_months"] = 24
    return {"json": payload}


def _csv(world: World) -> dict[str, Any]:
    return {"files": {"file": ("people.csv", b"name,email\n", "text/csv")}}


def _report_for_decision(engine: Engine, world: World) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=world.own, actor="setup")
        report = submit_report(
            session,
            reference=world.own,
            narrative="Twelve workshops held in the region.",
            indicators={"awareness_sessions_held": 12},
            known_indicators=INDICATORS,
            actor="setup",
        )
        return {"report_id": report.id}


def _draft_round(engine: Engine, world: World) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
        draft = record_round(
            session,
            call_code=call.code,
            policy=resolve_policy(parse_call_text(open_call_toml()), None, seed=2),
            decisions=[],
            report={},
            inputs_hash=inputs_fingerprint(session, call=call),
            dry_run=False,
            run_by="Someone Else",
            kind="waitlist",
        )
        return {"round_id": draft.id}


def _approved_round(engine: Engine, world: World) -> dict[str, Any]:
    return {"round_id": 1}


def _stage_run(engine: Engine, world: World) -> dict[str, Any]:
    from grants.stage_runs import start_run

    run_id = "0b6f1f3e-4a7e-4a55-9d59-3f1f6b1c2d3e"
    with unit_of_work(engine) as session:
        start_run(
            session,
            flow_run_id=run_id,
            stage="screening",
            call_code="csf-2026",
            parameters={},
            requested_by="Mina Manager",
        )
    return {"run_id": run_id}


OWN = "/api/v1/applications/CSF-2026-00003"
ASSIGNED = "/api/v1/reviewer/assignments/CSF-2026-00001"
ROUTES = [
    Route("GET", "/api/v1/health", dict.fromkeys(ROLES, 200), "public"),
    Route("GET", "/api/v1/calls/open", dict.fromkeys(ROLES, 200), "public"),
    Route("POST", "/api/v1/calls/csf-2026/applications", dict.fromkeys(ROLES, 201), "public", _application),
    Route("GET", OWN, {"applicant_own": 200, "manager": 200}, A),
    Route("GET", OWN + "/notices/{notice_id}", {"applicant_own": 200, "manager": 200}, A),
    Route("POST", OWN + "/agreement", {"applicant_own": 200}, A),
    Route(
        "POST",
        OWN + "/reports",
        {"applicant_own": 201},
        A,
        lambda w: {"json": {"narrative": "Nine workshops held.", "indicators": {"awareness_sessions_held": 9}}},
    ),
    Route(
        "POST",
        OWN + "/reports/{report_id}/decision",
        {"manager": 200},
        M,
        lambda w: {"json": {"accept": True}},
        _report_for_decision,
    ),
    Route(
        "GET",
        "/api/v1/reviewer/assignments",
        {"reviewer_assigned": 200, "reviewer_unassigned": 200, "reviewer_conflicted": 200},
        R,
    ),
    Route("GET", ASSIGNED, {"reviewer_assigned": 200}, R),
    Route("PUT", ASSIGNED + "/review", {"reviewer_assigned": 200}, R, _review),
    Route("POST", ASSIGNED + "/conflict", {"reviewer_assigned": 202}, R, lambda w: {"json": {"reason": "My sister"}}),
    Route(
        "POST",
        "/api/v1/calls",
        {"manager": 201},
        M,
        lambda w: {"json": {"toml": open_call_toml("csf-2027", "CSF-2027")}},
    ),
    Route("GET", "/api/v1/calls", {"manager": 200}, M),
    Route("GET", "/api/v1/calls/csf-2026", {"manager": 200}, M),
    Route("POST", "/api/v1/calls/csf-2026/intake", {"manager": 202}, M, _csv),
    Route("POST", "/api/v1/calls/csf-2026/reviewers", {"manager": 202}, M, _csv),
    Route("POST", "/api/v1/calls/csf-2026/screening", {"manager": 202}, M),
    Route("POST", "/api/v1/calls/csf-2026/assignment", {"manager": 202}, M, lambda w: {"json": {"mode": "fairness"}}),
    Route("POST", "/api/v1/calls/csf-2026/review-summary", {"manager": 202}, M),
    Route("POST", "/api/v1/calls/csf-2026/award-rounds", {"manager": 202}, M, lambda w: {"json": {"dry_run": True}}),
    Route("GET", "/api/v1/calls/csf-2026/award-rounds", {"manager": 200}, M),
    Route("GET", "/api/v1/award-rounds/{round_id}", {"manager": 200}, M, prepare=_approved_round),
    Route("POST", "/api/v1/award-rounds/{round_id}/approve", {"manager": 200}, M, prepare=_draft_round),
    Route("POST", "/api/v1/award-rounds/{round_id}/notices", {"manager": 202}, M, prepare=_approved_round),
    Route("POST", "/api/v1/calls/csf-2026/ineligible-notices", {"manager": 202}, M),
    Route("POST", "/api/v1/milestones/check", {"manager": 202}, M),
    Route("GET", "/api/v1/calls/csf-2026/conflicts", {"manager": 200}, M),
    Route("GET", "/api/v1/calls/csf-2026/ranking", {"manager": 200}, M),
    Route("GET", "/api/v1/calls/csf-2026/decisions", {"manager": 200}, M),
    Route("GET", "/api/v1/calls/csf-2026/runs", {"manager": 200}, M),
    Route("GET", "/api/v1/calls/csf-2026/report", {"manager": 200}, M),
    Route("GET", "/api/v1/runs/{run_id}", {"manager": 200}, M, prepare=_stage_run),
]


def refusal(route: Route, role: str) -> int:
    """The status a role gets where it is not entitled."""
    if role == "none":
        return 401
    if route.kind == A and role == "applicant_other" and route.allowed.get("applicant_own"):
        return 404  # someone else's application: as if it did not exist
    if route.kind == R and role in ("reviewer_unassigned", "reviewer_conflicted"):
        return 404  # a proposal not assigned to this reviewer, or forbidden by a conflict
    return 403


def expected(route: Route, role: str) -> int:
    return route.allowed.get(role) or refusal(route, role)


@pytest.fixture
def client_for(sqlite_engine: Engine, tmp_path: Path) -> Iterator[Callable[[], tuple[TestClient, World]]]:
    clients: list[TestClient] = []

    def make() -> tuple[TestClient, World]:
        world = build_world(sqlite_engine, tmp_path)
        client = TestClient(create_app(FakeLauncher(), warm=False))
        client.__enter__()
        clients.append(client)
        return client, world

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_with_the_exact_status(
    role: str, client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    client, world = client_for()
    headers = {} if role == "none" else {"Authorization": f"Bearer {world.tokens[role]}"}
    got: dict[str, int] = {}
    leaks: dict[str, list[str]] = {}
    for route in ROUTES:
        values: dict[str, Any] = {"notice_id": world.notice_id}
        if route.prepare is not None and route.allowed.get(role):
            values.update(route.prepare(sqlite_engine, world))
        values.setdefault("report_id", 1)
        values.setdefault("round_id", 1)
        values.setdefault("run_id", "0b6f1f3e-4a7e-4a55-9d59-3f1f6b1c2d3e")
        path = route.path.format(**values)
        response = client.request(route.method, path, headers=headers, **route.body(world))
        key = f"{route.method} {route.path}"
        got[key] = response.status_code
        if response.status_code >= 400:
            text = response.text
            assert set(json.loads(text)) == {"error"}, key
            found = [s for s in world.secrets if s in text]
            if found:
                leaks[key] = found
    assert got == {f"{r.method} {r.path}": expected(r, role) for r in ROUTES}
    assert leaks == {}


@pytest.mark.parametrize("role", ["reviewer_unassigned", "reviewer_conflicted"])
def test_a_reviewer_list_never_shows_a_proposal_it_may_not_see(
    role: str, client_for: Callable[[], tuple[TestClient, World]]
) -> None:
    client, world = client_for()
    response = client.get("/api/v1/reviewer/assignments", headers={"Authorization": f"Bearer {world.tokens[role]}"})
    references = [a["reference"] for a in response.json()]
    assert references == (["CSF-2026-00002"] if role == "reviewer_unassigned" else [])
    assert "Safe rooms" not in response.text and "Northern Lights" not in response.text


def test_a_reviewer_sees_peers_scores_without_names_only_after_submitting(
    client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    client, world = client_for()
    with unit_of_work(sqlite_engine) as session:  # a second reviewer of A, who has already scored it
        from grants.assignment import store_assignment
        from grants.models import Reviewer
        from grants.reviews import ReviewSubmission, record_review

        app_id = session.exec(select(Application.id).where(Application.reference == world.reviewed)).one()
        uma = session.exec(select(Reviewer).where(Reviewer.email == "reviewer2@example.org")).one()
        store_assignment(session, call_code="csf-2026", pairs=[(app_id or 0, uma.id or 0, 1.0)], actor="setup")
        codes = list(_review(world)["json"]["scores"])
        record_review(
            session,
            reference=world.reviewed,
            reviewer_id=uma.id or 0,
            actor="setup",
            submission=ReviewSubmission(dict.fromkeys(codes, 2), dict.fromkeys(codes, "Thin plan."), "decline"),
        )
    headers = {"Authorization": f"Bearer {world.tokens['reviewer_assigned']}"}

    before = client.get(f"/api/v1/reviewer/assignments/{world.reviewed}", headers=headers)
    client.put(f"/api/v1/reviewer/assignments/{world.reviewed}/review", headers=headers, **_review(world))
    after = client.get(f"/api/v1/reviewer/assignments/{world.reviewed}", headers=headers)

    assert (before.status_code, before.json()["peer_reviews"]) == (200, [])
    assert "Uma" not in before.text and "Thin plan" not in before.text
    assert after.json()["peer_reviews"] == [
        {"reviewer": "Reviewer 1", "scores": dict.fromkeys(codes, 2), "recommendation": "decline"}
    ]
    assert "Uma" not in after.text and "reviewer2@" not in after.text


def test_revoked_and_unknown_tokens_get_401_with_a_bearer_challenge(
    client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    from grants.access import revoke
    from grants.models import TokenRole

    client, world = client_for()
    with unit_of_work(sqlite_engine) as session:
        revoke(session, role=TokenRole.manager, who="Mina Manager", call_code=None, actor="setup")

    revoked = client.get("/api/v1/calls", headers={"Authorization": f"Bearer {world.tokens['manager']}"})
    unknown = client.get("/api/v1/calls", headers={"Authorization": "Bearer not-a-token"})

    assert (revoked.status_code, revoked.headers["www-authenticate"]) == (401, "Bearer")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (401, "unauthenticated")
    assert revoked.json()["error"]["message"] == {
        "en": "A valid access token is required.",
        "fr": "Un jeton d'accès valide est requis.",
    }


def test_stage_routes_start_runs_with_the_manager_as_actor(
    client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    client, world = client_for()
    launcher = client.app.state.launcher  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {world.tokens['manager']}"}

    started = client.post("/api/v1/calls/csf-2026/screening", headers=headers)

    run_id = started.json()["run_id"]
    assert started.status_code == 202
    assert started.json() == {"run_id": run_id, "stage": "screening", "status_url": f"/api/v1/runs/{run_id}"}
    assert launcher.started == [("screening", {"call_code": "csf-2026", "actor": "Mina Manager"}, "Mina Manager")]
    with unit_of_work(sqlite_engine) as session:
        run = session.exec(select(StageRun).where(StageRun.flow_run_id == run_id)).one()
        assert (run.stage, run.requested_by, run.outcome) == ("screening", "Mina Manager", "")
    status = client.get(f"/api/v1/runs/{run_id}", headers=headers).json()
    assert (status["state"], status["outcome"], status["result"]) == ("PENDING", "", None)


def test_report_decision_refused_for_another_applications_report(
    client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    client, world = client_for()
    values = _report_for_decision(sqlite_engine, world)
    headers = {"Authorization": f"Bearer {world.tokens['manager']}"}

    response = client.post(
        f"/api/v1/applications/CSF-2026-00002/reports/{values['report_id']}/decision",
        headers=headers,
        json={"accept": True},
    )

    assert (response.status_code, response.json()["error"]["field"]) == (404, "report_id")
    with unit_of_work(sqlite_engine) as session:
        assert session.get(MilestoneReport, values["report_id"]).status == "submitted"  # type: ignore[union-attr]


def test_an_award_round_policy_is_kept_for_the_run_or_refused_naming_the_field(
    client_for: Callable[[], tuple[TestClient, World]], sqlite_engine: Engine
) -> None:
    client, world = client_for()
    launcher = client.app.state.launcher  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {world.tokens['manager']}"}
    route = "/api/v1/calls/csf-2026/award-rounds"

    refused = client.post(route, headers=headers, json={"policy_toml": 'fundable_line = "high"\n'})
    started = client.post(route, headers=headers, json={"policy_toml": "fundable_line = 3.5\n", "dry_run": True})

    error = refused.json()["error"]
    assert (refused.status_code, error["field"], error["message"]["en"]) == (
        422,
        "policy_toml",
        "policy_toml: fundable_line: Input should be a valid number, unable to parse string as a number",
    )
    assert started.status_code == 202
    [(stage, parameters, _)] = launcher.started
    assert (stage, Path(str(parameters["policy_file"])).read_text(encoding="utf-8")) == (
        "award-round",
        "fundable_line = 3.5\n",
    )
