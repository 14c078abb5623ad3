"""The applicant status route's answers, served again while the database has not changed.

Applicants ask for their status again and again, and most asks find nothing changed. On
SQLite, ``PRAGMA data_version`` read on a connection that never writes moves whenever any
other connection, in this process or another (a worker, the command line), commits. An
answer is kept with the version it was read at, and served again until the version moves
(any commit clears every kept answer) or the token that opened it expires. Revoking a
token is a commit, so it takes effect at once.

PostgreSQL has no signal that cheap: there, every ask reads the database.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine

from grants.errors import Lang
from grants.models import utcnow
from grants.portal import ApplicantView, own_applicant_view
from grants.settings import get_settings

_VIEW_JSON = TypeAdapter(ApplicantView)
Key = tuple[str, str, str]  # token hash, reference as asked, language asked ("" for the applicant's)


class StatusAnswers:
    """Kept answers for one SQLite database, read through a connection of their own."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self.engine = engine
        self.limit = limit
        self.lock = threading.Lock()  # the route runs on an event loop; tests may run several, one per thread
        self.connection: Connection | None = None
        self.version: Any = None
        self.kept: dict[Key, tuple[bytes, dt.datetime]] = {}

    def answer(self, token_hash: str, reference: str, lang: Lang | None) -> bytes | None:
        """The applicant's file as JSON; None when the token is not a live applicant token."""
        key = (token_hash, reference, lang or "")
        with self.lock:
            connection = self.connection
            if connection is None or connection.closed:
                connection = self.connection = self.engine.connect()
            version = connection.connection.driver_connection.execute("PRAGMA data_version").fetchone()  # type: ignore[union-attr]
            if version != self.version:
                self.kept.clear()
                self.version = version
            kept = self.kept.get(key)
            if kept is not None and kept[1] > utcnow():
                return kept[0]
            try:
                found = own_applicant_view(connection, token_hash=token_hash, reference=reference, lang=lang)
            finally:
                if connection.in_transaction():  # a read through SQLAlchemy began one; end it, keep no snapshot
                    connection.rollback()
            if found is None:
                return None
            body = _VIEW_JSON.dump_json(found[0])
            if len(self.kept) >= self.limit:
                self.kept.clear()
            self.kept[key] = (body, found[1])
            return body

    def close(self) -> None:
        with self.lock:
            if self.connection is not None:
                self.connection.close()
            self.connection, self.version = None, None
            self.kept.clear()


_CURRENT: list[StatusAnswers] = []  # one process serves one database; a new engine (tests) replaces the old
_CURRENT_LOCK = threading.Lock()


def own_status_json(engine: Engine, *, token_hash: str, reference: str, lang: Lang | None) -> bytes | None:
    """The file an applicant token opens, as JSON (kept between asks on SQLite); None for any other token.

    Any ``reference`` but the token's own application is not found (NotFound).
    """
    limit = get_settings().status_answers_kept
    in_memory = engine.url.database in (None, "", ":memory:")  # one database per connection: nothing to watch
    if engine.dialect.name != "sqlite" or in_memory or limit == 0:
        with engine.connect() as connection:
            found = own_applicant_view(connection, token_hash=token_hash, reference=reference, lang=lang)
        return None if found is None else _VIEW_JSON.dump_json(found[0])
    answers = _CURRENT[0] if _CURRENT else None
    if answers is None or answers.engine is not engine or answers.limit != limit:
        with _CURRENT_LOCK:
            answers = _CURRENT[0] if _CURRENT else None
            if answers is None or answers.engine is not engine or answers.limit != limit:
                forget_all_locked()
                answers = StatusAnswers(engine, limit)
                _CURRENT.append(answers)
    return answers.answer(token_hash, reference, lang)


def forget_all_locked() -> None:
    for answers in _CURRENT:
        answers.close()
    _CURRENT.clear()


def forget_all() -> None:
    """Close the kept connection and drop every kept answer (at the app's shutdown)."""
    with _CURRENT_LOCK:
        forget_all_locked()
