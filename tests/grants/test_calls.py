"""Call setup: create, leave unchanged, update before opening, refuse after (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from grants.calls import save_call
from grants.db import unit_of_work
from grants.errors import CallLocked
from grants.models import AuditEvent, Stream
from tests.factories import example_spec

BEFORE_OPENING = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
AFTER_OPENING = dt.datetime(2026, 1, 12, 14, 0, 1, tzinfo=dt.UTC)  # 09:00:01 in Toronto


def test_save_call_new_call_creates_its_streams(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        call, change = save_call(session, spec=example_spec(), actor="manager.a", now=BEFORE_OPENING)

    assert (call.code, change, call.reviewers_per_application) == ("csf-2026", "created", 3)
    assert call.opens_at == dt.datetime(2026, 1, 12, 14, 0, tzinfo=dt.UTC)
    with unit_of_work(engine) as session:
        streams = session.exec(select(Stream).order_by(Stream.code)).all()
        assert [(s.code, s.envelope_cents, s.min_request_cents, s.max_request_cents, s.indigenous_led_required)
                for s in streams] == [
            ("csf", 465_000_000, 2_500_000, 30_000_000, False),
            ("iif", 330_000_000, 2_500_000, 30_000_000, True),
        ]  # fmt: skip
        assert [e.action for e in session.exec(select(AuditEvent))] == ["call.created"]


def test_save_call_same_file_again_changes_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        save_call(session, spec=example_spec(), actor="manager.a", now=BEFORE_OPENING)

    with unit_of_work(engine) as session:
        _, change = save_call(session, spec=example_spec(), actor="manager.a", now=AFTER_OPENING)

    assert change == "unchanged"


def test_save_call_before_opening_updates_settings_and_streams(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        save_call(session, spec=example_spec(), actor="manager.a", now=BEFORE_OPENING)
    data = example_spec().canonical_json()
    data["streams"] = [s for s in data["streams"] if s["code"] == "csf"]
    data["streams"][0]["envelope"] = "5000000.00"
    changed = type(example_spec()).model_validate(data)

    with unit_of_work(engine) as session:
        _, change = save_call(session, spec=changed, actor="manager.a", now=BEFORE_OPENING)

    assert change == "updated"
    with unit_of_work(engine) as session:
        assert [(s.code, s.envelope_cents) for s in session.exec(select(Stream))] == [("csf", 500_000_000)]


def test_save_call_after_opening_refuses_a_change(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        save_call(session, spec=example_spec(), actor="manager.a", now=BEFORE_OPENING)
    data = example_spec().canonical_json()
    data["title_en"] = "Another title"
    changed = type(example_spec()).model_validate(data)

    with pytest.raises(CallLocked) as raised, unit_of_work(engine) as session:
        save_call(session, spec=changed, actor="manager.a", now=AFTER_OPENING)

    assert raised.value.en == "call csf-2026 opened on January 12, 2026 at 9:00 a.m.; its settings can no longer change"
    assert raised.value.fr == (
        "l'appel csf-2026 est ouvert depuis le 12 janvier 2026 à 9 h 00; ses paramètres ne peuvent plus changer"
    )
