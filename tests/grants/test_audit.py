"""The audit log: append-only, hash-chained, and verified (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from grants import audit
from grants.db import unit_of_work


def _write_events(engine: Engine, count: int) -> None:
    with unit_of_work(engine) as session:
        audit.record(
            session,
            [audit.EventDraft(actor="test", action="thing.moved", entity="thing", entity_id=i, to_state="x")
             for i in range(1, count + 1)],
        )  # fmt: skip


def _tamper(engine: Engine, statement: str) -> None:
    """Change the log the way someone with direct database access could, past the triggers."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE auditevent DISABLE TRIGGER auditevent_no_change"))
            conn.execute(text(statement))
            conn.execute(text("ALTER TABLE auditevent ENABLE TRIGGER auditevent_no_change"))
        else:
            conn.execute(text("DROP TRIGGER auditevent_no_update"))
            conn.execute(text("DROP TRIGGER auditevent_no_delete"))
            conn.execute(text(statement))


def test_verify_intact_log_checks_every_event(engine: Engine) -> None:
    _write_events(engine, 5)
    _write_events(engine, 3)

    with unit_of_work(engine) as session:
        report = audit.verify(session)

    assert (report.ok, report.checked, report.first_bad_id) == (True, 8, None)


def test_verify_changed_event_is_reported_first(engine: Engine) -> None:
    _write_events(engine, 6)
    _tamper(engine, "UPDATE auditevent SET to_state = 'y' WHERE id IN (4, 5)")

    with unit_of_work(engine) as session:
        report = audit.verify(session)

    assert (report.ok, report.checked, report.first_bad_id, report.problem) == (False, 3, 4, "content")


def test_verify_deleted_event_breaks_the_chain_at_the_next_one(engine: Engine) -> None:
    _write_events(engine, 6)
    _tamper(engine, "DELETE FROM auditevent WHERE id = 3")

    with unit_of_work(engine) as session:
        report = audit.verify(session)

    assert (report.first_bad_id, report.problem, report.checked) == (4, "previous_hash", 2)


@pytest.mark.parametrize("statement", ["UPDATE auditevent SET actor = 'x'", "DELETE FROM auditevent"])
def test_audit_log_refuses_update_and_delete(engine: Engine, statement: str) -> None:
    _write_events(engine, 2)

    with pytest.raises(DBAPIError) as raised, engine.begin() as conn:
        conn.execute(text(statement))

    assert "the audit log is append-only" in str(raised.value)
    with unit_of_work(engine) as session:
        assert audit.verify(session).checked == 2
