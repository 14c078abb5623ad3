"""The applicant's page: sign-in with the receipt's reference and token, status in their language."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.world import World
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
