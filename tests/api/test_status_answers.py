"""Kept status answers: served again only while nothing changed and the token still opens the file.

Each test compares the kept answer with a fresh read of the database (no answers kept), on
SQLite (where answers are kept) and PostgreSQL (where every ask reads).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.engine import make_url

from api import status_answers
from grants.access import revoke
from grants.db import table, unit_of_work
from grants.errors import Lang, NotFound
from grants.models import AccessToken, TokenRole
from grants.screening import screen_call
from grants.settings import get_settings
from grants.tokens import hash_token
from tests.factories import application_row, create_example_call, take_in

REF1, REF2 = "CSF-2026-00001", "CSF-2026-00002"


@pytest.fixture
def tokens(engine: Engine, tmp_path: Path) -> dict[str, str]:
    """Two applications of the example call, by reference: their applicant tokens."""
    create_example_call(engine)
    stored = take_in(engine, tmp_path / "intake.csv", [application_row(1), application_row(2, language="fr")])
    status_answers.forget_all()
    yield {issued.reference: issued.token for issued in stored.created}
    status_answers.forget_all()


def _ask(engine: Engine, token: str, reference: str, lang: Lang | None = None) -> dict[str, object] | None:
    body = status_answers.own_status_json(engine, token_hash=hash_token(token), reference=reference, lang=lang)
    return None if body is None else json.loads(body)


def _fresh(engine: Engine, token: str, reference: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object] | None:
    """The same ask read from the database, keeping nothing."""
    with monkeypatch.context() as patch:
        patch.setenv("GRANTS_STATUS_ANSWERS_KEPT", "0")
        get_settings.cache_clear()
        found = _ask(engine, token, reference)
    get_settings.cache_clear()
    return found


def _kept(engine: Engine) -> int:
    return sum(len(answers.kept) for answers in status_answers._CURRENT if answers.engine is engine)


def test_an_answer_is_kept_per_token_reference_and_language_on_sqlite_only(
    engine: Engine, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _ask(engine, tokens[REF1], REF1)
    assert _ask(engine, tokens[REF1], REF1) == first == _fresh(engine, tokens[REF1], REF1, monkeypatch)
    french = _ask(engine, tokens[REF1], REF1, "fr")
    assert french is not None and first is not None
    assert (first["status"]["language"], french["status"]["language"]) == ("en", "fr")  # type: ignore[index]
    assert _ask(engine, tokens[REF2], REF2) == _fresh(engine, tokens[REF2], REF2, monkeypatch)
    assert _kept(engine) == (3 if engine.dialect.name == "sqlite" else 0)


def test_another_applications_reference_is_not_found_and_never_kept(engine: Engine, tokens: dict[str, str]) -> None:
    for _ in range(2):
        with pytest.raises(NotFound):
            _ask(engine, tokens[REF1], REF2)
    assert _ask(engine, "not-a-token", REF1) is None
    assert _kept(engine) == 0


def test_a_change_committed_in_this_process_shows_on_the_next_ask(
    engine: Engine, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _ask(engine, tokens[REF1], REF1)
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026", actor="m")
    after = _ask(engine, tokens[REF1], REF1)
    assert after == _fresh(engine, tokens[REF1], REF1, monkeypatch)
    assert before is not None and after is not None
    assert (before["status_code"], after["status_code"]) == ("submitted", "eligible")


def test_a_change_committed_by_another_process_shows_on_the_next_ask(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    create_example_call(sqlite_engine)
    token = take_in(sqlite_engine, tmp_path / "intake.csv", [application_row(1)]).created[0].token
    status_answers.forget_all()
    before = _ask(sqlite_engine, token, REF1)
    path = make_url(str(sqlite_engine.url)).database
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute(\"UPDATE application SET title = 'Renamed elsewhere' WHERE reference = ?\", (sys.argv[2],)); "
        "c.commit()"
    )
    subprocess.run([sys.executable, "-c", script, str(path), REF1], check=True)
    after = _ask(sqlite_engine, token, REF1)
    status_answers.forget_all()
    assert before is not None and after is not None
    titles = (before["status"]["project_title"], after["status"]["project_title"])  # type: ignore[index]
    assert titles == ("Safe pathways for survivors in the northeast", "Renamed elsewhere")


def test_a_revoked_token_opens_nothing_at_once(engine: Engine, tokens: dict[str, str]) -> None:
    assert _ask(engine, tokens[REF1], REF1) is not None
    with unit_of_work(engine) as session:
        assert revoke(session, role=TokenRole.applicant, who=REF1, call_code=None, actor="m") == 1
    assert _ask(engine, tokens[REF1], REF1) is None
    assert _ask(engine, tokens[REF2], REF2) is not None


def test_an_expired_token_opens_nothing_even_with_nothing_changed(
    engine: Engine, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(engine) as session:
        session.execute(
            update(table(AccessToken))
            .where(table(AccessToken).c.token_hash == hash_token(tokens[REF1]))
            .values(expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        )
    assert _ask(engine, tokens[REF1], REF1) is not None
    later = dt.datetime(2030, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
    monkeypatch.setattr(status_answers, "utcnow", lambda: later)
    monkeypatch.setattr("grants.status.utcnow", lambda: later)
    assert _ask(engine, tokens[REF1], REF1) is None


def test_the_kept_answers_never_exceed_the_limit(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    create_example_call(sqlite_engine)
    stored = take_in(sqlite_engine, tmp_path / "intake.csv", [application_row(n) for n in range(1, 6)])
    monkeypatch.setenv("GRANTS_STATUS_ANSWERS_KEPT", "3")
    get_settings.cache_clear()
    status_answers.forget_all()
    sizes = []
    for issued in stored.created:
        assert _ask(sqlite_engine, issued.token, issued.reference) is not None
        sizes.append(_kept(sqlite_engine))
    status_answers.forget_all()
    assert sizes == [1, 2, 3, 1, 2]
