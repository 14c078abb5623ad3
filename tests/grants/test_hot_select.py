"""HotSelect gives the rows SQLAlchemy would give, types included, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col

from grants.db import HotSelect, unit_of_work
from grants.models import AccessToken, Application, AuditEvent
from tests.factories import application_row, create_example_call, take_in


def test_hot_select_rows_equal_sqlalchemy_rows_with_utc_timestamps(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(n) for n in (1, 2)])
    statement = (
        sa_select(
            col(Application.reference),
            col(Application.submitted_at),
            col(AuditEvent.at),
            col(AccessToken.expires_at),
            col(AccessToken.revoked_at),
        )
        .join(AuditEvent, col(AuditEvent.entity_id) == col(Application.id))
        .join(AccessToken, col(AccessToken.application_id) == col(Application.id))
        .where(col(AuditEvent.entity) == "application", col(Application.id) >= bindparam("first"))
        .order_by(col(AuditEvent.id))
    )
    with unit_of_work(engine) as session:
        connection = session.connection()
        expected = [tuple(row) for row in connection.execute(statement, {"first": 1}).all()]
        hot = HotSelect(statement).rows(connection, first=1)
    assert len(expected) == 2
    assert hot == expected
    assert all(isinstance(row[2], dt.datetime) and row[2].tzinfo == dt.UTC for row in hot)
