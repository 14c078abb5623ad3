"""The applicant's page: sign-in with the receipt's reference and token, status in their language."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from grants.db import unit_of_work
from grants.models import MilestoneReport
from scoring.reporting import INDICATORS
from tests.api.world import World
from tests.factories import application_row, take_in
from tests.web.forms import csrf_of, sign_in


def test_applicant_page_shows_the_funded_application_in_the_chosen_language(client: TestClient, world: World) -> None:
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    english = client.get("/applicant")
    french = client.get("/applicant?lang=fr")
    assert english.status_code == 200, english.text
    assert "Ottawa Survivors Network" in english.text
    assert "Funded." in english.text and "Financée." not in english.text
    assert '<html lang="fr">' in french.text
    assert "Financée." in french.text
    assert "125\u202f000,00\xa0$" in french.text  # narrow and non-breaking spaces, as in French
    # The choice is kept for the session.
    assert '<html lang="fr">' in client.get("/applicant").text


def test_applicant_sign_in_refuses_a_token_of_another_application(client: TestClient, world: World) -> None:
    page = client.get("/applicant/sign-in")
    answer = client.post(
        "/applicant/sign-in",
        data={"csrf_token": csrf_of(page.text), "reference": world.own, "token": world.tokens["applicant_other"]},
        follow_redirects=False,
    )
    assert answer.status_code == 422
    assert "do not match an application" in answer.text
    assert client.get("/applicant", follow_redirects=False).headers["location"] == "/applicant/sign-in"


def test_applicant_page_defaults_to_the_applicant_language(
    client: TestClient, world: World, engine: Engine, tmp_path: Path
) -> None:
    created = take_in(engine, tmp_path / "fr.csv", [application_row(4, language="fr")]).created[0]
    sign_in(client, "applicant", created.token, created.reference)
    page = client.get("/applicant", headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert '<html lang="fr">' in page.text
    assert "Nous avons reçu votre demande." in page.text
    assert '<html lang="en">' in client.get("/applicant?lang=en").text


def test_applicant_signs_then_reports_with_messages_beside_the_fields(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    unconfirmed = client.post("/applicant/agreement", data={"csrf_token": csrf_of(client.get("/applicant").text)})
    assert unconfirmed.status_code == 422
    assert '<p class="field-error" id="confirm-error">' in unconfirmed.text
    signed = client.post("/applicant/agreement", data={"csrf_token": csrf_of(unconfirmed.text), "confirm": "yes"})
    assert "The agreement is signed. The first payment is now due." in signed.text
    code = next(iter(INDICATORS))
    token = csrf_of(signed.text)
    refused = client.post(
        "/applicant/reports",
        data={"csrf_token": token, "narrative": "Twelve sessions held.", f"indicators.{code}": "Jane Doe"},
    )
    assert refused.status_code == 422
    error = re.search(rf'<p class="field-error" id="indicators.{code}-error">(.*?)</p>', refused.text, re.S)
    assert error is not None and "an indicator is a count" in error.group(1)
    assert f'name="indicators.{code}" type="text" inputmode="numeric" size="8" value="Jane Doe"' in refused.text
    accepted = client.post(
        "/applicant/reports",
        data={"csrf_token": token, "narrative": "Twelve sessions held.", f"indicators.{code}": "12"},
    )
    assert "Your report has been received. The fund office will review it." in accepted.text
    with unit_of_work(engine) as session:
        reports = session.exec(select(MilestoneReport)).all()
        assert [(r.narrative, r.indicators) for r in reports] == [("Twelve sessions held.", {code: 12})]


def test_home_page_links_keep_the_language_picked(client: TestClient) -> None:
    french = client.get("/?lang=fr")
    assert '<a href="/applicant/sign-in?lang=fr">Organismes demandeurs</a>' in french.text
    assert '<a href="/applicant/sign-in">Applicant organizations</a>' in client.get("/").text
