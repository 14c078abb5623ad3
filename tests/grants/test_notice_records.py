"""Letters' fields: the receipt names the web page where applicants check their status."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from grants.db import unit_of_work
from grants.notice_records import receipt_jobs
from grants.settings import get_settings
from notices import NoticeData
from tests.factories import application_row, create_example_call, take_in


def test_receipt_names_the_status_page_once_the_portal_has_an_address(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_example_call(engine)
    stored = take_in(engine, tmp_path / "apps.csv", [application_row(1)])
    with unit_of_work(engine) as session:
        plain = receipt_jobs(session, call_code="csf-2026", tokens=stored.created)
    monkeypatch.setenv("GRANTS_PORTAL_URL", "https://fonds.example.ca/")
    get_settings.cache_clear()
    with unit_of_work(engine) as session:
        addressed = receipt_jobs(session, call_code="csf-2026", tokens=stored.created)
    assert NoticeData.from_dict(plain[0].fields).office.status_url is None
    assert NoticeData.from_dict(addressed[0].fields).office.status_url == "https://fonds.example.ca/applicant/sign-in"
