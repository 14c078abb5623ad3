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

from api.app import create_app
from tests.api.world import World, build_world
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
