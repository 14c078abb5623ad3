"""Database engine, sessions and the unit of work (the only place that commits)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, Table, create_engine, event, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, make_url
from sqlmodel import Session, SQLModel

from grants.settings import Settings, get_settings

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with foreign keys, or a pooled PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True)


@lru_cache(maxsize=4)
def _engine_for(url: str, pool_size: int, max_overflow: int) -> Engine:
    return make_engine(url, pool_size=pool_size, max_overflow=max_overflow)


def get_engine(settings: Settings | None = None) -> Engine:
    s = settings or get_settings()
    return _engine_for(s.resolved_database_url, s.db_pool_size, s.db_max_overflow)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_only(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reading: nothing is committed, its transaction ends when it closes."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def lock(session: Session, model: type[SQLModel], row_id: int) -> None:
    """Hold ``row_id`` of ``model`` until the unit of work ends, so two workers cannot race on it.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks: a no-op write takes the
    database's write lock instead, so the rest of the unit of work reads what the other
    writer committed before it.
    """
    target = table(model)
    key = target.c.id
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(target).where(key == row_id).values(id=key))
    else:
        session.execute(sa_select(key).where(key == row_id).with_for_update())


def insert_new(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], key: str) -> set[Any]:
    """Insert the rows whose unique ``key`` is not stored yet; returns the keys inserted by this call.

    ``INSERT ... ON CONFLICT DO NOTHING``: a row another worker inserted first is skipped, not an error.
    """
    if not rows:
        return set()
    target = table(model)
    build = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    # One statement run over a list of rows (compiled once), not a multi-row VALUES per chunk.
    statement = build(target).on_conflict_do_nothing(index_elements=[key]).returning(target.c[key])
    result = session.connection().execute(statement, list(rows))
    return set(result.scalars())


class HotSelect:
    """A SELECT for the API's hottest reads: compiled once per dialect, run on the driver's cursor.

    Rows come back as tuples with the types SQLAlchemy would give (its own result processors),
    without its per-execution work, which costs more than the query itself on an indexed read.
    """

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._plans: dict[str, tuple[str, Sequence[str] | None, dict[str, Any], dict[str, Any], list[Any]]] = {}

    def _plan(self, dialect: Dialect) -> tuple[str, Sequence[str] | None, dict[str, Any], dict[str, Any], list[Any]]:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            binders = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
            }
            processors = [
                getattr(c.type, "from_sqlite", None)  # the UTC timestamps' faster reading of SQLite's text
                if dialect.name == "sqlite" and hasattr(c.type, "from_sqlite")
                else c.type.dialect_impl(dialect).result_processor(dialect, None)
                for c in self.statement.selected_columns
            ]
            converting = [(i, p) for i, p in enumerate(processors) if p is not None]  # most columns need none
            plan = (compiled.string, compiled.positiontup, dict(compiled.params), binders, converting)
            self._plans[dialect.name] = plan
        return plan

    def rows(self, connection: Connection, **values: Any) -> list[tuple[Any, ...]]:
        sql, order, defaults, binders, converting = self._plan(connection.dialect)
        params = {**defaults, **values}
        for name, bind in binders.items():
            if bind is not None and name in params:
                params[name] = bind(params[name])
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, [params[n] for n in order] if order is not None else params)
            found = cursor.fetchall()
        finally:
            cursor.close()
        if not converting:
            return found  # the driver's tuples already hold the right types
        rows = []
        for row in found:
            cells = list(row)
            for i, process in converting:
                cells[i] = process(cells[i])
            rows.append(tuple(cells))
        return rows


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements that skip the ORM's per-row work."""
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


# SQLite accepts at most 999 bound parameters in one statement: IN (...) lists go in chunks.
IN_LIST_SIZE = 900


def in_chunks(items: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """``items`` in consecutive slices small enough for an ``IN (...)`` list on every backend."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
