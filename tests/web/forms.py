"""Helpers for page tests: the CSRF token of a form, and signing in through the form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    assert found is not None, "no form with a CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, space: str, token: str, reference: str = "", lang: str = "") -> None:
    """Sign in through the page's own form, as a browser would."""
    query = f"?lang={lang}" if lang else ""
    page = client.get(f"/{space}/sign-in{query}")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page.text), "token": token}
    if reference:
        data["reference"] = reference
    answer = client.post(f"/{space}/sign-in{query}", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/{space}"
