"""The fund managers' pages: the dashboard, starting stages through forms, runs, and approving rounds."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path as FilePath
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from grants.access import add_manager
from grants.awards import inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call
from grants.callspec import load_round_policy, parse_call_text
from grants.db import read_only, unit_of_work
from grants.lifecycle import STATUS_NAMES
from grants.milestones import decide_report, sign_agreement, submit_report
from grants.models import Application, AwardRound, Milestone, MilestoneReport, Moderation, StageRun
from grants.settings import get_settings
from grants.stage_runs import finish_run
from grants.status import call_overview
from scoring.reporting import INDICATORS
from tests.api.world import FakeLauncher, World, add_round, open_call_toml
from tests.web.forms import csrf_of, sign_in
from web.routes import manager as manager_routes

CALL = "csf-2026"
DASHBOARD = f"/manager/calls/{CALL}"


class _Tables(HTMLParser):
    """The text of each cell of each table with an id: id -> rows -> cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table" and values.get("id"):
            self._table = values["id"] or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "span" and self._cell is not None and values.get("class") == "visually-hidden":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def form_csrf(html: str, action: str) -> str:
    """The CSRF token of the form posting to ``action``."""
    found = re.search(
        rf'action="{re.escape(action)}"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    assert found is not None, f"no form posting to {action}"
    return found.group(1)


def mina_round(kind: str = "waitlist") -> int:
    """A draft round run by Mina Manager (the world's initial round is already approved)."""
    with unit_of_work() as session:
        call = get_call(session, CALL)
        award_round = record_round(
            session,
            call_code=call.code,
            policy=resolve_policy(parse_call_text(open_call_toml()), None, seed=7),
            decisions=[],
            report={},
            inputs_hash=inputs_fingerprint(session, call=call),
            dry_run=False,
            run_by="Mina Manager",
            kind=kind,  # type: ignore[arg-type]
        )
        return award_round.id or 0


def round_status(round_id: int) -> str:
    with read_only() as session:
        award_round = session.get(AwardRound, round_id)
        assert award_round is not None
        return award_round.status


def test_manager_home_lists_the_call_linking_to_its_dashboard(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    page = client.get("/manager")

    assert page.status_code == 200, page.text
    assert f'<a href="{DASHBOARD}">{CALL}</a>' in page.text
    assert "Signed in: Mina Manager" in page.text


def test_dashboard_counts_match_the_call_overview(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    with read_only() as session:
        counts = call_overview(session, call_code=CALL)

    page = client.get(DASHBOARD)

    assert page.status_code == 200, page.text
    shown = tables(page.text)["stage-counts"]
    header, *rows, total = shown
    assert header == ["Stage", "Community Support Fund", "Indigenous Initiatives Fund", "Total"]
    expected: dict[str, dict[str, int]] = {}
    for count in counts:
        name = STATUS_NAMES[count.status][1]
        cells = expected.setdefault(name, {"csf": 0, "iif": 0})
        cells[count.stream] += count.count
    assert {row[0]: {"csf": int(row[1]), "iif": int(row[2])} for row in rows} == expected
    assert [int(cell) for cell in total[1:]] == [
        sum(c.count for c in counts if c.stream == "csf"),
        sum(c.count for c in counts if c.stream == "iif"),
        sum(c.count for c in counts),
    ]
    assert "Applications waiting for a manager&#39;s eligibility decision: <strong>0</strong>" in page.text


def test_dashboard_shows_conflicts_review_progress_ranking_and_rounds(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    found = tables(client.get(DASHBOARD).text)

    assert found["conflicts"][1:] == [["Carl Conflicted", world.reviewed, "declared", "declared", "Board member"]]
    assert found["review-progress"][1:] == [
        ["Ada Assigned", "1", "0", "0", "0"],
        ["Carl Conflicted", "0", "0", "0", "1"],
        ["Uma Unassigned", "1", "0", "0", "0"],
    ]
    assert found["rounds"][1:] == [["Round 1", "Initial round", "Rank order", "No", "Approved", "Round Runner",
                                    "Round Approver"]]  # fmt: skip


def test_screening_form_starts_the_stage_and_leads_to_its_run(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    page = client.get(DASHBOARD)
    action = f"{DASHBOARD}/stages/screening"

    answer = client.post(action, data={"csrf_token": form_csrf(page.text, action)}, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    assert launcher.started == [("screening", {"call_code": CALL, "actor": "Mina Manager"}, "Mina Manager")]
    with read_only() as session:
        run = session.exec(select(StageRun).where(StageRun.stage == "screening")).one()
    assert answer.headers["location"] == f"/manager/runs/{run.flow_run_id}?done=started"
    run_page = client.get(answer.headers["location"])
    assert run_page.status_code == 200, run_page.text
    assert "The stage has started. Reload this page to follow it." in run_page.text
    assert "This run has not finished yet." in run_page.text
    assert "State: pending." in run_page.text
    assert f'<a href="/manager/runs/{run.flow_run_id}">Refresh</a>' in run_page.text


def test_run_page_shows_the_result_once_the_run_finished(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    page = client.get(DASHBOARD)
    action = f"{DASHBOARD}/stages/screening"
    answer = client.post(action, data={"csrf_token": form_csrf(page.text, action)}, follow_redirects=False)
    run_url = answer.headers["location"].split("?")[0]
    run_id = run_url.rsplit("/", 1)[1]
    with unit_of_work() as session:
        finish_run(
            session,
            flow_run_id=run_id,
            stage="screening",
            parameters={},
            outcome="completed",
            result={"screened": 3, "eligible": 2, "ineligible": 1, "needs_review": 0},
        )

    finished = client.get(f"{run_url}?lang=fr")

    assert "Cette exécution est terminée." in finished.text
    assert "Résultat : réussie." in finished.text
    assert "<div><dt>Vérifiées</dt><dd>3</dd></div>" in finished.text
    assert "Actualiser" not in finished.text
    dashboard = tables(client.get(DASHBOARD).text)
    assert dashboard["runs"][1][0] == "Vérification de l'admissibilité"
    assert dashboard["runs"][1][3] == "Terminée : réussie"


def test_a_stage_form_without_its_csrf_token_is_refused(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answer = client.post(f"{DASHBOARD}/stages/screening", data={}, follow_redirects=False)

    assert answer.status_code == 403
    assert "The form has expired or did not come from this site." in answer.text
    assert launcher.started == []


def test_award_round_form_passes_the_api_parameters(client: TestClient, world: World, launcher: FakeLauncher) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    action = f"{DASHBOARD}/stages/award-round"
    token = form_csrf(client.get(DASHBOARD).text, action)

    answer = client.post(
        action,
        data={"csrf_token": token, "kind": "waitlist", "method": "optimal", "dry_run": "yes", "seed": "42"},
        follow_redirects=False,
    )

    assert answer.status_code == 303, answer.text
    assert launcher.started == [
        (
            "award-round",
            {"call_code": CALL, "policy_file": None, "dry_run": True, "seed": 42, "method": "optimal",
             "kind": "waitlist", "actor": "Mina Manager"},
            "Mina Manager",
        )
    ]  # fmt: skip


def test_award_round_form_keeps_a_chosen_policy_for_the_run(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    action = f"{DASHBOARD}/stages/award-round"
    token = form_csrf(client.get(DASHBOARD).text, action)
    policy = 'fundable_line = 3.5\nnear_tie = "rank_order"\n'

    answer = client.post(
        action,
        data={"csrf_token": token, "kind": "initial", "method": ""},
        files={"policy": ("line-3.5.toml", policy.encode(), "application/toml")},
        follow_redirects=False,
    )

    assert answer.status_code == 303, answer.text
    [(stage, parameters, _)] = launcher.started
    kept = FilePath(parameters["policy_file"])
    assert (stage, kept.parent, kept.read_text(encoding="utf-8")) == (
        "award-round",
        (get_settings().home / "uploads" / "policies").resolve(),
        policy,
    )
    assert load_round_policy(kept).fundable_line == 3.5


def _kept_policies() -> list[FilePath]:
    folder = get_settings().home / "uploads" / "policies"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("policy.toml", b"fundable_line = \"high\"\n",
         "policy.toml: fundable_line: Input should be a valid number, unable to parse string as a number"),
        ("policy.toml", b"fundable_line = \n", "policy.toml: invalid TOML: Invalid value (at line 1, column 17)"),
        ("policy.txt", b"fundable_line = 3.5\n", "choose a .toml file"),
        ("policy.toml", b"\xff\xfe", "the policy is not UTF-8 text"),
    ],
)  # fmt: skip
def test_a_bad_policy_is_shown_beside_its_field_and_nothing_is_kept(
    client: TestClient, world: World, launcher: FakeLauncher, name: str, content: bytes, message: str
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    action = f"{DASHBOARD}/stages/award-round"
    token = form_csrf(client.get(DASHBOARD).text, action)
    before = _kept_policies()

    answer = client.post(
        action,
        data={"csrf_token": token, "kind": "initial", "method": ""},
        files={"policy": (name, content, "application/octet-stream")},
    )

    assert answer.status_code == 422
    assert '<p class="field-error" id="round-policy-error">' in answer.text
    assert f'<li><a href="#round-policy">{html.escape(message, quote=False)}</a></li>' in answer.text
    assert 'aria-describedby="round-policy-hint round-policy-error" aria-invalid="true"' in answer.text
    assert launcher.started == []
    assert _kept_policies() == before


def test_a_bad_seed_is_shown_beside_its_field_and_starts_nothing(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    action = f"{DASHBOARD}/stages/award-round"
    token = form_csrf(client.get(DASHBOARD).text, action)

    answer = client.post(action, data={"csrf_token": token, "kind": "initial", "method": "", "seed": "-1"})

    assert answer.status_code == 422
    assert '<p class="field-error" id="round-seed-error">' in answer.text
    assert '<li><a href="#round-seed">the seed is a whole number from 0 to 2147483647</a></li>' in answer.text
    assert "the seed is a whole number from 0 to 2147483647" in answer.text
    assert 'value="-1" aria-describedby="round-seed-hint round-seed-error" aria-invalid="true"' in answer.text
    assert launcher.started == []


def test_a_form_address_asked_with_get_leads_back_to_the_dashboard(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answer = client.get(f"{DASHBOARD}/stages/award-round?lang=fr", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{DASHBOARD}?lang=fr"


def test_run_page_shows_without_the_launchers_state(
    client: TestClient, world: World, launcher: FakeLauncher, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    page = client.get(DASHBOARD)
    action = f"{DASHBOARD}/stages/screening"
    location = client.post(action, data={"csrf_token": form_csrf(page.text, action)}, follow_redirects=False)

    def unreachable(run_id: str) -> object:
        raise ConnectionError("Prefect is down")

    monkeypatch.setattr(launcher, "state", unreachable)
    run_page = client.get(location.headers["location"])

    assert run_page.status_code == 200
    assert "State: not known right now." in run_page.text


def test_intake_form_uploads_the_file_and_starts_intake(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    action = f"{DASHBOARD}/stages/intake"
    token = form_csrf(client.get(DASHBOARD).text, action)

    answer = client.post(
        action,
        data={"csrf_token": token},
        files={"file": ("apps.csv", b"external_id\nX-1\n", "text/csv")},
        follow_redirects=False,
    )

    assert answer.status_code == 303, answer.text
    ((stage, parameters, who),) = launcher.started
    assert (stage, who) == ("intake", "Mina Manager")
    assert set(parameters) == {"call_code", "path", "actor"}
    with open(str(parameters["path"]), "rb") as saved:
        assert saved.read() == b"external_id\nX-1\n"


def test_intake_form_without_a_file_says_so(client: TestClient, world: World, launcher: FakeLauncher) -> None:
    sign_in(client, "manager", world.tokens["manager"], lang="fr")
    action = f"{DASHBOARD}/stages/intake"
    token = form_csrf(client.get(DASHBOARD).text, action)

    answer = client.post(action, data={"csrf_token": token})

    assert answer.status_code == 422
    assert '<p class="field-error" id="intake-file-error">' in answer.text
    assert "choisissez un fichier .csv ou .xlsx" in answer.text
    assert launcher.started == []


def test_the_manager_who_ran_a_round_cannot_approve_it(client: TestClient, world: World) -> None:
    round_id = mina_round()
    sign_in(client, "manager", world.tokens["manager"])
    page = client.get(f"/manager/rounds/{round_id}")
    action = f"/manager/rounds/{round_id}/approve"

    assert page.status_code == 200, page.text
    assert "Approve this round" not in page.text
    assert "You ran this round: another manager must approve it." in page.text

    answer = client.post(action, data={"csrf_token": csrf_of(page.text)})

    assert answer.status_code == 409
    assert f"round {round_id} was run by Mina Manager; another manager must approve it" in answer.text
    assert round_status(round_id) == "draft"


def test_a_second_manager_approves_the_round_through_its_form(client: TestClient, world: World) -> None:
    round_id = mina_round()
    with unit_of_work() as session:
        otto = add_manager(session, name="Otto Other", actor="setup").token
    sign_in(client, "manager", otto)
    page = client.get(f"/manager/rounds/{round_id}")
    action = f"/manager/rounds/{round_id}/approve"
    assert "Approve this round" in page.text

    answer = client.post(action, data={"csrf_token": form_csrf(page.text, action)}, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/manager/rounds/{round_id}?done=approved"
    assert round_status(round_id) == "approved"
    approved = client.get(answer.headers["location"])
    assert "The round is approved. Its decisions are final." in approved.text
    assert '<dd id="round-status">Approved</dd>' in approved.text
    assert "Write the decision letters" in approved.text


def test_a_round_whose_inputs_changed_is_not_offered_and_is_marked_stale_when_approved(
    client: TestClient, world: World
) -> None:
    round_id = add_round([(world.own, "funded", 12_500_000, None)], dry_run=False, kind="waitlist")
    sign_in(client, "manager", world.tokens["manager"])
    action = f"/manager/rounds/{round_id}/approve"
    offered = client.get(f"/manager/rounds/{round_id}")
    with unit_of_work() as session:
        own_id = session.exec(select(Application.id).where(Application.reference == world.own)).one()
        session.add(Moderation(application_id=own_id or 0, score=4.9, reason="Panel", moderated_by="Otto Other"))

    page = client.get(f"/manager/rounds/{round_id}")
    answer = client.post(action, data={"csrf_token": form_csrf(offered.text, action)})

    assert "Approve this round" in offered.text
    assert "Approve this round" not in page.text
    assert '<p id="approval-note">Reviews or scores changed since this round ran: it can no longer be approved.' in (
        page.text
    )
    assert answer.status_code == 409
    assert f"round {round_id} is stale: reviews or scores changed since it ran" in answer.text
    assert round_status(round_id) == "stale"
    assert '<dd id="round-status">Stale</dd>' in client.get(f"/manager/rounds/{round_id}").text


def test_decision_letters_start_from_an_approved_round(
    client: TestClient, world: World, launcher: FakeLauncher
) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    page = client.get("/manager/rounds/1")
    action = "/manager/rounds/1/notices"

    answer = client.post(action, data={"csrf_token": form_csrf(page.text, action)}, follow_redirects=False)

    assert answer.status_code == 303, answer.text
    assert launcher.started == [("round-notices", {"round_id": 1, "actor": "Mina Manager"}, "Mina Manager")]


def test_round_page_shows_decisions_with_rationale_in_the_language(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    french = tables(client.get("/manager/rounds/1?lang=fr").text)["decisions"]

    assert french[1] == [world.own, "Ottawa Survivors Network", "Fonds de soutien communautaire", "Financée",
                         "125\u202f000,00\xa0$", "—", "Financée."]  # fmt: skip


def test_two_rounds_side_by_side_show_what_differs_and_the_totals(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    first_ref = "CSF-2026-00001"
    other = add_round([(world.own, "waitlisted", 0, 1), (first_ref, "funded", 10_000_000, None)])

    offered = client.get("/manager/rounds/1").text
    page = client.get(f"/manager/rounds/1/compare?with={other}&lang=fr")

    assert f'<option value="{other}">' in offered
    assert page.status_code == 200
    found = tables(page.text)
    assert found["changes"][1:] == [
        [first_ref, "Fonds de soutien communautaire", "Absente de la ronde", "—", "Financée", "100\u202f000,00\xa0$"],
        [world.own, "Fonds de soutien communautaire", "Financée", "125\u202f000,00\xa0$", "Liste d'attente", "—"],
    ]  # fmt: skip
    stream_row = ["Volet : Fonds de soutien communautaire", "125\u202f000,00\xa0$", "100\u202f000,00\xa0$",
                  "-25\u202f000,00\xa0$"]  # fmt: skip
    assert found["totals"][-1] == stream_row
    assert [row[0] for row in found["totals"][1:-1]] == ["Région : northeast", "Région : northwest"]


def test_a_round_compared_with_itself_an_unknown_round_or_junk_is_not_found(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answers = [client.get(f"/manager/rounds/1/compare?with={asked}") for asked in ("1", "999", "", "²", "9" * 40)]

    assert [a.status_code for a in answers] == [404] * 5


def test_the_same_rounds_compared_show_no_changes(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    same = add_round([(world.own, "funded", 12_500_000, None)])

    page = client.get(f"/manager/rounds/{same}/compare?with=1")

    assert page.status_code == 200
    assert '<p id="no-changes">No application changes decision or amount.</p>' in page.text
    assert tables(page.text)["totals"][-1] == ["Stream: Community Support Fund", "$125,000.00", "$125,000.00", "$0.00"]


def test_chart_is_a_png(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answer = client.get(f"{DASHBOARD}/charts/applications-by-stage.png?lang=fr")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"{DASHBOARD}/charts/nothing.png").status_code == 404


def test_a_chart_is_drawn_once_a_minute_at_most(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[str, str]] = []

    def counting(data: Any, stem: str, *, lang: str) -> bytes:
        drawn.append((stem, lang))
        return f"{stem}-{lang}".encode()

    monkeypatch.setattr(manager_routes, "draw_chart", counting)
    sign_in(client, "manager", world.tokens["manager"])
    first = client.get(f"{DASHBOARD}/charts/applications-by-stage.png?lang=fr")
    again = client.get(f"{DASHBOARD}/charts/applications-by-stage.png?lang=fr")
    english = client.get(f"{DASHBOARD}/charts/applications-by-stage.png?lang=en")
    assert (first.content, again.content, english.content) == (
        b"applications-by-stage-fr",
        b"applications-by-stage-fr",
        b"applications-by-stage-en",
    )
    assert drawn == [("applications-by-stage", "fr"), ("applications-by-stage", "en")]


def test_dashboard_shows_each_chart_with_its_caption(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    page = client.get(DASHBOARD).text

    assert (
        f'<img src="{DASHBOARD}/charts/funding-by-region.png?lang=en" width="1100" height="650" loading="lazy" '
        'alt="Bar chart of the money funded in each region, one bar per stream; the amounts are in the report.">'
    ) in page
    assert "<figcaption>Money funded by region and stream</figcaption>" in page


def test_report_downloads_as_a_workbook(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answer = client.get(f"{DASHBOARD}/report?lang=fr")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="csf-2026-rapport.xlsx"' in answer.headers["content-disposition"]
    assert answer.content[:2] == b"PK"


def test_french_dashboard_has_french_headings_and_keeps_the_choice(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    french = client.get(f"{DASHBOARD}?lang=fr").text

    assert '<html lang="fr">' in french
    assert '<h2 id="stages-heading">Demandes par étape</h2>' in french
    assert '<h2 id="progress-heading">Avancement des évaluations</h2>' in french
    assert '<button type="submit">Lancer la ronde d&#39;attribution</button>' in french
    assert '<html lang="fr">' in client.get("/manager").text


def test_manager_pages_need_a_manager(client: TestClient, world: World) -> None:
    assert client.get(DASHBOARD, follow_redirects=False).headers["location"] == "/manager/sign-in"
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)

    assert client.get(DASHBOARD).status_code == 403


def test_unknown_call_is_a_404_page(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])

    answer = client.get("/manager/calls/nope-2030")

    assert answer.status_code == 404
    assert "no call with code &#39;nope-2030&#39;" in answer.text


# --- milestone reports -----------------------------------------------------------------------------------------

REPORTED = {"awareness_sessions_held": 12, "justice_sector_trainings": 3}  # not in INDICATORS' order
SUBMITTED_AT = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


def submitted_report(reference: str, *, narrative: str = "Twelve sessions held.\nFour partners joined.") -> int:
    """The funded project signs its agreement and submits the report of its first reporting milestone."""
    with unit_of_work() as session:
        sign_agreement(session, reference=reference, actor="setup")
    with unit_of_work() as session:
        report = submit_report(
            session,
            reference=reference,
            narrative=narrative,
            indicators=REPORTED,
            known_indicators=INDICATORS,
            actor="setup",
            now=SUBMITTED_AT,
        )
        return report.id or 0


def report_state(report_id: int) -> tuple[str, str, str | None, str | None]:
    """The report's status, its milestone's status, who decided it and the reason given."""
    with read_only() as session:
        report = session.get(MilestoneReport, report_id)
        assert report is not None
        milestone = session.get(Milestone, report.milestone_id)
        assert milestone is not None
        return report.status, milestone.status, report.decided_by, report.decision_reason


def report_milestone(report_id: int) -> Milestone:
    with read_only() as session:
        report = session.get(MilestoneReport, report_id)
        assert report is not None
        milestone = session.get(Milestone, report.milestone_id)
        assert milestone is not None
        return milestone


def test_dashboard_lists_the_reports_waiting_for_a_decision(client: TestClient, world: World) -> None:
    sign_in(client, "manager", world.tokens["manager"])
    before = client.get(DASHBOARD).text
    report_id = submitted_report(world.own)
    milestone = report_milestone(report_id)

    page = client.get(DASHBOARD).text

    assert '<p id="no-reports">No reports waiting for a decision.</p>' in before
    assert "milestone-reports" not in tables(before)
    assert '<li><a href="#milestone-reports-heading">Reports waiting for a decision</a></li>' in page
    assert '<h2 id="milestone-reports-heading">Reports waiting for a decision</h2>' in page
    assert (milestone.sequence, milestone.kind, milestone.due_date, milestone.amount_cents) == (
        2,
        "interim",
        dt.date(2027, 1, 1),
        2_083_334,
    )
    assert tables(page)["milestone-reports"] == [
        ["Application", "Organization", "Milestone", "Due date", "Payment", "Submitted"],
        [world.own, "Ottawa Survivors Network", "2 — Interim report", "January 1, 2027", "$20,833.34",
         "November 20, 2026 at 10:30 a.m."],
    ]  # fmt: skip
    assert (
        f'<a href="/manager/reports/{report_id}">{world.own}<span class="visually-hidden"> — Milestone 2</span>' in page
    )
    assert "No reports waiting for a decision." not in page


def test_accepting_a_report_through_its_form_releases_the_payment(client: TestClient, world: World) -> None:
    report_id = submitted_report(world.own)
    sign_in(client, "manager", world.tokens["manager"])
    url = f"/manager/reports/{report_id}"
    action = f"{url}/decision"
    page = client.get(url)
    assert page.status_code == 200, page.text
    assert '<h1>Report for milestone 2 <span class="reference">CSF-2026-00003</span></h1>' in page.text
    assert '<dd id="report-status">Waiting for a decision</dd>' in page.text
    assert '<button type="submit">Accept the report (releases the payment)</button>' in page.text
    assert '<button type="submit" class="secondary">Return the report</button>' in page.text
    assert '<label for="return-reason">Reason for returning it (required)</label>' in page.text

    answer = client.post(
        action, data={"csrf_token": form_csrf(page.text, action), "decision": "accept"}, follow_redirects=False
    )

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{url}?done=report-accepted"
    assert report_state(report_id) == ("accepted", "paid", "Mina Manager", None)
    assert report_milestone(report_id).paid_at is not None
    decided = client.get(answer.headers["location"]).text
    assert "The report is accepted; its payment is released." in decided
    assert '<dd id="report-status">Accepted</dd>' in decided
    assert '<dd id="milestone-status">Paid</dd>' in decided
    assert '<p id="decision-note">This report has been decided; it can no longer change.</p>' in decided
    assert '<form method="post" action="' + action not in decided
    assert "Accept the report" not in decided
    assert '<p id="no-reports">No reports waiting for a decision.</p>' in client.get(DASHBOARD).text


def test_returning_a_report_without_a_reason_is_shown_beside_the_field_and_changes_nothing(
    client: TestClient, world: World
) -> None:
    report_id = submitted_report(world.own)
    sign_in(client, "manager", world.tokens["manager"])
    action = f"/manager/reports/{report_id}/decision"
    token = form_csrf(client.get(f"/manager/reports/{report_id}").text, action)

    answer = client.post(action, data={"csrf_token": token, "decision": "return", "reason": "   "})

    assert answer.status_code == 422
    assert '<li><a href="#return-reason">a reason is required</a></li>' in answer.text
    error = re.search(r'<p class="field-error" id="return-reason-error">(.*?)</p>', answer.text, re.S)
    assert error is not None and error.group(1).endswith("a reason is required")
    assert 'required aria-describedby="return-reason-hint return-reason-error" aria-invalid="true">' in answer.text
    assert report_state(report_id) == ("submitted", "submitted", None, None)


def test_returning_a_report_with_a_reason_sends_it_back(client: TestClient, world: World) -> None:
    with unit_of_work() as session:
        app = session.exec(select(Application).where(Application.reference == world.own)).one()
        interim = session.exec(
            select(Milestone).where(Milestone.application_id == app.id, Milestone.sequence == 2)
        ).one()
        interim.due_date = dt.date(2026, 8, 1)  # already past: the returned report is late
        session.add(interim)
    report_id = submitted_report(world.own)
    sign_in(client, "manager", world.tokens["manager"])
    action = f"/manager/reports/{report_id}/decision"
    token = form_csrf(client.get(f"/manager/reports/{report_id}").text, action)

    answer = client.post(
        action,
        data={"csrf_token": token, "decision": "return", "reason": " Give the count of <partners>. "},
        follow_redirects=False,
    )

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/manager/reports/{report_id}?done=report-returned"
    assert report_state(report_id) == ("returned", "overdue", "Mina Manager", "Give the count of <partners>.")
    assert report_milestone(report_id).paid_at is None
    returned = client.get(answer.headers["location"]).text
    assert "The report is returned to the applicant." in returned
    assert '<dd id="report-status">Returned to the applicant</dd>' in returned
    assert '<dd id="milestone-status">Overdue</dd>' in returned
    assert '<dd class="prose" id="decision-reason">Give the count of &lt;partners&gt;.</dd>' in returned
    assert "Return the report</button>" not in returned


def test_a_report_decision_without_its_csrf_token_is_refused(client: TestClient, world: World) -> None:
    report_id = submitted_report(world.own)
    sign_in(client, "manager", world.tokens["manager"])

    missing = client.post(f"/manager/reports/{report_id}/decision", data={"decision": "accept"})
    wrong = client.post(f"/manager/reports/{report_id}/decision", data={"decision": "accept", "csrf_token": "x" * 43})

    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "The form has expired or did not come from this site." in missing.text
    assert report_state(report_id) == ("submitted", "submitted", None, None)


def test_a_decided_report_cannot_be_decided_again(client: TestClient, world: World) -> None:
    report_id = submitted_report(world.own)
    sign_in(client, "manager", world.tokens["manager"])
    action = f"/manager/reports/{report_id}/decision"
    token = form_csrf(client.get(f"/manager/reports/{report_id}").text, action)
    with unit_of_work() as session:  # another manager decided it meanwhile
        decide_report(session, report_id=report_id, accept=True, reason="", manager="Otto Other")

    answer = client.post(action, data={"csrf_token": token, "decision": "return", "reason": "Too late."})

    assert answer.status_code == 409
    assert f"<strong>Decision refused:</strong> report {report_id} was already accepted" in answer.text
    assert '<dd id="report-status">Accepted</dd>' in answer.text
    assert "Return the report</button>" not in answer.text
    assert report_state(report_id) == ("accepted", "paid", "Otto Other", None)
    assert client.get("/manager/reports/999999").status_code == 404


def test_french_report_page_names_the_indicators_in_french(client: TestClient, world: World) -> None:
    report_id = submitted_report(world.own, narrative="Douze séances tenues.\n<b>Quatre</b> partenaires.")
    sign_in(client, "manager", world.tokens["manager"])

    page = client.get(f"/manager/reports/{report_id}?lang=fr").text

    assert '<html lang="fr">' in page
    assert tables(page)["indicators"] == [
        ["Indicateur", "Nombre"],
        ["Séances de formation offertes au secteur de la justice", "3"],
        ["Séances de sensibilisation tenues auprès de groupes à risque", "12"],
    ]
    assert "Training sessions delivered to the justice sector" not in page
    assert '<p class="prose" id="narrative">Douze séances tenues.\n&lt;b&gt;Quatre&lt;/b&gt; partenaires.</p>' in page
    assert '<dd id="milestone">2 — Rapport d&#39;étape</dd>' in page
    assert '<button type="submit">Accepter le rapport (libère le versement)</button>' in page
    assert '<button type="submit" class="secondary">Renvoyer le rapport</button>' in page
    assert '<label for="return-reason">Motif du renvoi (obligatoire)</label>' in page
