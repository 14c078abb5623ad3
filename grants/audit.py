"""Append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash, so changing,
removing or reordering any stored event breaks the chain from that point on.
Database triggers (see the migrations) refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from grants.db import table
from grants.models import AuditEvent, utcnow

GENESIS = "0" * 64
# Serializes writers to the chain on PostgreSQL; SQLite serializes writes itself.
_CHAIN_LOCK_KEY = 7_402_516_001


@dataclass(frozen=True)
class EventDraft:
    """An audit event before it is chained."""

    actor: str
    action: str
    entity: str
    entity_id: int | None = None
    call_id: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


_HASHED_FIELDS = ("actor", "action", "entity", "entity_id", "call_id", "from_state", "to_state", "reason", "data")


def _canonical(row: dict[str, Any]) -> str:
    content = {k: row[k] for k in _HASHED_FIELDS}
    at: dt.datetime = row["at"]
    content["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(row)).encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    return last or GENESIS


def record(session: Session, events: Iterable[EventDraft], *, at: dt.datetime | None = None) -> int:
    """Append events to the chain inside the caller's transaction; returns how many."""
    when = at or utcnow()
    rows: list[dict[str, Any]] = []
    prev = _last_hash(session)
    for event in events:
        row = {
            "at": when,
            "actor": event.actor,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "call_id": event.call_id,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "reason": event.reason,
            "data": event.data,
        }
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(prev, row)
        rows.append(row)
    if rows:
        session.connection().execute(insert(table(AuditEvent)), rows)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in order and report the first event that does not fit."""
    prev = GENESIS
    checked = 0
    stmt = select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=batch)
    for event in session.exec(stmt):
        row = event.model_dump()
        if event.prev_hash != prev:
            return ChainReport(checked, event.id, "previous_hash")
        if event_hash(prev, row) != event.hash:
            return ChainReport(checked, event.id, "content")
        prev = event.hash
        checked += 1
    return ChainReport(checked)
