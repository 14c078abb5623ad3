"""Test set-up: one Prefect backend per session (ephemeral, in-memory), and real databases.

Service tests run twice, on SQLite and on PostgreSQL. Without a PostgreSQL server
the PostgreSQL cases are skipped locally; in CI (GRANTS_REQUIRE_POSTGRES=1) they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Prefect or reads settings.
_TMP = Path(tempfile.mkdtemp(prefix="grants-tests-"))
os.environ["GRANTS_HOME"] = str(_TMP / "home")
os.environ["PREFECT_HOME"] = str(_TMP / "prefect")
os.environ["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = "sqlite+aiosqlite:///:memory:"
for _key in ("GRANTS_DATABASE_URL", "PREFECT_API_URL", "PREFECT_PROFILE", "GRANTS_LANG", "GRANTS_ACTOR"):
    os.environ.pop(_key, None)

import pytest  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from grants import db  # noqa: E402
from grants.db import make_engine  # noqa: E402
from grants.migrate import upgrade  # noqa: E402
from grants.settings import get_settings  # noqa: E402

PG_ADMIN_URL = os.environ.get("GRANTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("GRANTS_REQUIRE_POSTGRES") == "1"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "grants.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "grants.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    admin = make_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"
        if REQUIRE_PG:
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"grants_test_{os.getpid()}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    db._engine_for.cache_clear()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgresql_url(postgres_database: str) -> str:
    """The session's PostgreSQL database, emptied."""
    engine = make_engine(postgres_database)
    with engine.begin() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        ).scalars()
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def _use_database(url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("GRANTS_DATABASE_URL", url)
    get_settings.cache_clear()
    return db.get_engine()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The engine the services and flows use, on SQLite and on PostgreSQL."""
    engine = _use_database(database_url, monkeypatch)
    yield engine
    if engine.dialect.name == "sqlite":
        engine.dispose()
        db._engine_for.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def sqlite_engine(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = _use_database(sqlite_url, monkeypatch)
    yield engine
    engine.dispose()
    db._engine_for.cache_clear()
    get_settings.cache_clear()
