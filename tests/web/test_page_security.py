"""Sessions, CSRF and escaping on the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from grants.access import revoke
from grants.db import unit_of_work
from grants.models import Application, TokenRole, WebSession
from tests.api.world import World
from tests.factories import application_row, take_in
from tests.web.forms import csrf_of, sign_in
from web import security

SCRIPT_NAME = '<script>document.title="pwned"</script> Refuge'


def _status(engine: Engine, reference: str) -> str:
    with unit_of_work(engine) as session:
        return str(session.exec(select(Application.status).where(Application.reference == reference)).one())


def test_forged_form_without_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    missing = client.post("/applicant/agreement", data={"confirm": "yes"})
    wrong = client.post("/applicant/agreement", data={"confirm": "yes", "csrf_token": "x" * 43})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "The form has expired or did not come from this site." in missing.text
    assert _status(engine, world.own) == "funded"
    page = client.get("/applicant")
    signed = client.post("/applicant/agreement", data={"confirm": "yes", "csrf_token": csrf_of(page.text)})
    assert signed.status_code == 200  # followed the 303 to the page
    assert _status(engine, world.own) == "active"


def test_sign_in_form_needs_its_cookie_token(client: TestClient, world: World) -> None:
    forged = client.post("/applicant/sign-in", data={"reference": world.own, "token": world.tokens["applicant_own"]})
    assert forged.status_code == 403
    assert "csf_session" not in forged.headers.get("set-cookie", "")


def test_session_cookie_is_http_only_secure_and_same_site(client: TestClient, world: World) -> None:
    page = client.get("/manager/sign-in")
    answer = client.post(
        "/manager/sign-in",
        data={"csrf_token": csrf_of(page.text), "token": world.tokens["manager"]},
        follow_redirects=False,
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("csf_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    assert len(cookie.split(";")[0]) == len("csf_session=") + 43  # 32 random bytes, URL-safe


def test_signed_out_or_revoked_session_no_longer_opens_the_page(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    key = client.cookies["csf_session"]
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/applicant").text)})
    client.cookies.set("csf_session", key)  # replayed after sign-out
    assert client.get("/applicant", follow_redirects=False).status_code == 303
    with unit_of_work(engine) as session:
        assert session.exec(select(WebSession)).all() == []

    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    with unit_of_work(engine) as session:
        revoke(session, role=TokenRole.applicant, who=world.own, call_code=None, actor="setup")
    assert client.get("/applicant", follow_redirects=False).headers["location"] == "/applicant/sign-in"


def test_organization_named_like_a_script_is_shown_as_text(
    client: TestClient, world: World, engine: Engine, tmp_path: Path
) -> None:
    stored = take_in(engine, tmp_path / "more.csv", [application_row(4, organization_name=SCRIPT_NAME)])
    created = stored.created[0]
    sign_in(client, "applicant", created.token, created.reference)
    page = client.get("/applicant")
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt; Refuge" in page.text
    assert "<script" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none';")


def test_no_page_carries_a_script(client: TestClient, world: World) -> None:
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    pages = ["/", "/applicant/sign-in", "/reviewer/sign-in", "/manager/sign-in", "/applicant", "/applicant?lang=fr"]
    for path in pages:
        answer = client.get(path)
        assert (path, answer.status_code, "<script" in answer.text.lower()) == (path, 200, False)


def test_a_form_larger_than_any_accepted_file_is_refused_before_reading(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "FORM_LIMIT", 1000)
    sign_in(client, "applicant", world.tokens["applicant_own"], world.own)
    token = csrf_of(client.get("/applicant").text)
    answer = client.post("/applicant/reports", data={"csrf_token": token, "narrative": "x" * 2000})
    assert answer.status_code == 413
    assert "The form is too large: a file may be 50 MB at most." in answer.text
