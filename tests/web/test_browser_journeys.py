"""End to end in headless Chromium: an applicant, a reviewer and two fund managers use the pages.

The browser runs with JavaScript off: the pages must work without it. Every page the
journeys see is saved as a screenshot under artifacts/screenshots and checked with
axe-core (WCAG 2.1 A and AA rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from api.app import create_app
from grants.access import add_manager
from grants.db import unit_of_work
from grants.milestones import sign_agreement, submit_report
from grants.models import AwardRound, Review
from scoring.reporting import INDICATORS
from tests.api.world import World, add_round, build_world
from tests.factories import application_row, reviewed_applications, take_in
from tests.web.browser import check, chromium_path, serving

pytestmark = [pytest.mark.browser, pytest.mark.flow]
STEP_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


def _page(browser: Any, *, javascript: bool) -> Any:
    context = browser.new_context(locale="en-CA", java_script_enabled=javascript)
    opened = context.new_page()
    opened.set_default_timeout(STEP_TIMEOUT_MS)
    return opened


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = _page(browser, javascript=False)
    yield opened
    opened.context.close()


@pytest.fixture
def auditor(browser: Any) -> Iterator[Any]:
    opened = _page(browser, javascript=True)
    yield opened
    opened.context.close()


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> World:
    return build_world(sqlite_engine, tmp_path)


@pytest.fixture
def site(world: World) -> Iterator[str]:
    with serving(create_app()) as url:
        yield url


def test_applicant_checks_status_in_french(page: Any, auditor: Any, site: str, world: World) -> None:
    page.goto(f"{site}/")
    check(page, auditor, "applicant-01-home")
    page.get_by_role("link", name="Applicant organizations").click()
    page.get_by_role("link", name="Français").click()
    check(page, auditor, "applicant-02-sign-in-fr")
    page.get_by_label("Numéro de référence").fill(world.own)
    page.get_by_label("Jeton d'accès").fill(world.tokens["applicant_own"])
    page.get_by_role("button", name="Se connecter").click()
    check(page, auditor, "applicant-03-status-fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == f"Votre demande {world.own}"
    assert page.locator("p.stage").inner_text() == "financée"
    assert "Financée." in page.locator("#decision-heading + dl").inner_text()
    assert page.get_by_role("link", name="Télécharger (Word) : avis de financement").count() == 1


def test_script_in_an_organization_name_shows_as_text_and_forged_forms_are_refused(
    page: Any, auditor: Any, site: str, world: World, sqlite_engine: Engine, tmp_path: Path
) -> None:
    name = '<script>document.title="pwned"</script> Refuge'
    created = take_in(sqlite_engine, tmp_path / "more.csv", [application_row(4, organization_name=name)]).created[0]
    page.goto(f"{site}/applicant/sign-in")
    page.get_by_label("Reference number").fill(created.reference)
    page.get_by_label("Access token").fill(created.token)
    page.get_by_role("button", name="Sign in").click()
    check(page, auditor, "escaping-01-status")
    assert page.get_by_text(name, exact=True).count() == 1
    assert page.locator("script").count() == 0
    assert page.title() == "Your application — Community Support Fund"

    # A form posted from elsewhere carries the browser's cookie but not the page's CSRF token.
    forged = page.request.post(f"{site}/sign-out", form={"confirm": "yes"})
    assert forged.status == 403
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == f"Your application {created.reference}"


def _sign_in(page: Any, site: str, space: str, token: str) -> None:
    page.goto(f"{site}/{space}/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_runs_an_award_round_and_another_approves_it(
    page: Any, auditor: Any, browser: Any, sqlite_engine: Engine, tmp_path: Path
) -> None:
    reviewed_applications(sqlite_engine, tmp_path)  # five reviewed applications of the example call
    with unit_of_work(sqlite_engine) as session:
        runner = add_manager(session, name="Mina Manager", actor="setup").token
        approver = add_manager(session, name="Otto Other", actor="setup").token
    with serving(create_app()) as site:
        _sign_in(page, site, "manager", runner)
        check(page, auditor, "manager-01-calls")
        page.get_by_role("link", name="csf-2026").click()
        check(page, auditor, "manager-02-dashboard")
        page.get_by_label("Initial round").check()
        page.get_by_role("button", name="Run award round").click()
        for _ in range(120):  # the flow runs in the server's worker thread
            if "has finished" in page.locator("#run-status").inner_text():
                break
            page.wait_for_timeout(250)
            page.reload()
        assert page.locator("#run-status").inner_text() == "This run has finished. Outcome: completed."
        check(page, auditor, "manager-03-run-finished")

        page.goto(f"{site}/manager/calls/csf-2026")
        page.get_by_role("link", name="Round 1", exact=True).click()
        assert page.locator("#round-status").inner_text() == "Draft"
        assert page.get_by_role("button", name="Approve this round").count() == 0
        assert page.get_by_text("You ran this round: another manager must approve it.").count() == 1
        check(page, auditor, "manager-04-round-own")
        round_url = page.url
        page.get_by_role("button", name="Sign out").click()

        _sign_in(page, site, "manager", approver)
        page.goto(round_url)
        decisions = page.locator("#decisions tbody tr")
        assert decisions.count() == 5
        page.get_by_role("button", name="Approve this round").click()
        assert page.locator("#round-status").inner_text() == "Approved"
        assert page.get_by_text("The round is approved. Its decisions are final.").count() == 1
        check(page, auditor, "manager-05-round-approved")
    with unit_of_work(sqlite_engine) as session:
        approved = session.exec(select(AwardRound)).one()
        assert (approved.status, approved.run_by, approved.approved_by) == ("approved", "Mina Manager", "Otto Other")


CRITERIA = [
    "Need and alignment with the strategy",
    "Survivor-centred and trauma-informed approach",
    "Cultural appropriateness and accessibility",
    "Organizational capacity and partnerships",
    "Budget and value for money",
    "Evaluation plan and outcomes",
]


def test_a_reviewer_scores_a_proposal_and_a_conflicted_one_cannot_reach_it(
    page: Any, auditor: Any, site: str, world: World, sqlite_engine: Engine
) -> None:
    _sign_in(page, site, "reviewer", world.tokens["reviewer_assigned"])
    check(page, auditor, "reviewer-01-assignments")
    page.get_by_role("link", name=world.reviewed).click()
    check(page, auditor, "reviewer-02-proposal")

    first = page.get_by_role("group", name=CRITERIA[0])
    first.get_by_label("4 — Strong").check()
    first.get_by_label(f"Comment on {CRITERIA[0]}").fill("Clear need in the north; good fit.")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Your draft is saved.").count() == 1
    page.get_by_role("button", name="Submit review").click()  # five criteria and the recommendation are missing
    check(page, auditor, "reviewer-03-errors-beside-fields")
    second = page.get_by_role("group", name=CRITERIA[1])
    assert second.get_by_text("a score is required").count() == 1
    assert first.get_by_label("4 — Strong").is_checked()  # what was typed is kept

    for name, score in zip(
        CRITERIA[1:],
        ["5 — Excellent", "3 — Satisfactory", "4 — Strong", "Not applicable", "3 — Satisfactory"],
        strict=True,
    ):
        group = page.get_by_role("group", name=name)
        group.get_by_label(score, exact=True).check()
        group.get_by_label(f"Comment on {name}").fill(f"Comment on {name.lower()}.")
    page.get_by_role("group", name="Your recommendation").get_by_label("Fund", exact=True).check()
    page.get_by_role("button", name="Submit review").click()
    assert page.get_by_text("Your review is submitted. Thank you.").count() == 1
    check(page, auditor, "reviewer-04-submitted")
    with unit_of_work(sqlite_engine) as session:
        review = session.exec(select(Review)).one()
        assert (review.scores, review.recommendation) == (
            {
                "need_alignment": 4,
                "survivor_centred": 5,
                "cultural_accessibility": 3,
                "capacity_partnerships": 4,
                "budget_value": None,
                "evaluation_outcomes": 3,
            },
            "fund",
        )
    page.goto(f"{site}/reviewer")
    assert page.get_by_text("1 of 1 reviews submitted.").count() == 1
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, site, "reviewer", world.tokens["reviewer_conflicted"])
    assert page.get_by_role("link", name=world.reviewed).count() == 0
    answer = page.goto(f"{site}/reviewer/proposals/{world.reviewed}")
    assert answer is not None and answer.status == 404
    assert page.get_by_text("Northern Lights Shelter").count() == 0
    check(page, auditor, "reviewer-05-conflicted-not-found")


def test_every_other_page_passes_the_accessibility_checker(
    page: Any, auditor: Any, site: str, world: World, sqlite_engine: Engine
) -> None:
    with unit_of_work(sqlite_engine) as session:
        sign_agreement(session, reference=world.own, actor="setup")
    with unit_of_work(sqlite_engine) as session:
        report = submit_report(
            session,
            reference=world.own,
            narrative="Forty people reached.\nTwo trainings held.",
            indicators={next(iter(INDICATORS)): 2},
            known_indicators=INDICATORS,
            actor="setup",
        )
        report_id = report.id

    page.goto(f"{site}/applicant/sign-in")
    page.get_by_label("Reference number").fill(world.own)
    page.get_by_label("Access token").fill("not-the-token")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("#token-error").count() == 1
    check(page, auditor, "sweep-01-sign-in-error")
    page.get_by_label("Access token").fill(world.tokens["applicant_own"])
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Submit a report").count() == 1
    check(page, auditor, "sweep-02-applicant-report-form")
    page.goto(f"{site}/nowhere")
    check(page, auditor, "sweep-03-not-found")

    _sign_in(page, site, "reviewer", world.tokens["reviewer_assigned"])
    page.goto(f"{site}/reviewer/proposals/{world.reviewed}?lang=fr")
    check(page, auditor, "sweep-04-proposal-fr")
    page.get_by_role("link", name="Déclarer un conflit d'intérêts").click()
    check(page, auditor, "sweep-05-conflict-form-fr")

    _sign_in(page, site, "manager", world.tokens["manager"])
    page.goto(f"{site}/manager/calls/csf-2026?lang=fr")
    check(page, auditor, "sweep-06-dashboard-fr")
    page.goto(f"{site}/manager/reports/{report_id}?lang=en")
    assert page.get_by_role("button", name="Accept the report (releases the payment)").count() == 1
    check(page, auditor, "sweep-07-report-decision")
    dry_run = add_round([(world.own, "waitlisted", 0, 1)])
    page.goto(f"{site}/manager/rounds/1")
    check(page, auditor, "sweep-08-approved-round")
    page.goto(f"{site}/manager/rounds/1?lang=fr")
    page.get_by_label("Autre ronde de l'appel").select_option(str(dry_run))
    page.get_by_role("button", name="Comparer").click()
    assert page.get_by_role("heading", name=f"Ronde 1 et ronde {dry_run} côte à côte").count() == 1
    assert page.locator("#changes tbody tr").count() == 1
    check(page, auditor, "sweep-09-rounds-compared-fr")
