"""Bearer tokens: intake tokens, issuing, expiry, revocation and managers (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants.access import (
    Issued,
    ManagerExists,
    Principal,
    add_manager,
    applicant_token,
    authenticate,
    get_manager,
    manager_token,
    reviewer_token,
    revoke,
)
from grants.calls import get_call, save_call
from grants.db import table, unit_of_work
from grants.errors import InvalidInput
from grants.models import AccessToken, Application, AuditEvent, Manager, Reviewer, TokenRole
from grants.tokens import hash_token, new_token
from tests.factories import add_reviewers, application_row, create_example_call, example_spec, reviewer_row, take_in

REF = "CSF-2026-00001"


def _authenticate(engine: Engine, token: str, now: dt.datetime | None = None) -> Principal | None:
    with unit_of_work(engine) as session:
        return authenticate(session, token, now=now)


def _token_id(engine: Engine, token: str) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(AccessToken.id).where(AccessToken.token_hash == hash_token(token))).one() or 0


def _with_applications_and_reviewers(engine: Engine, tmp_path: Path) -> list[str]:
    """Two applications and one reviewer in the example call; the applicants' intake tokens."""
    create_example_call(engine)
    stored = take_in(engine, tmp_path / "apps.csv", [application_row(1), application_row(2)])
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(1)])
    return [t.token for t in stored.created]


def test_intake_tokens_authenticate_as_the_applicant_of_their_own_application(engine: Engine, tmp_path: Path) -> None:
    tokens = _with_applications_and_reviewers(engine, tmp_path)
    with unit_of_work(engine) as session:
        apps = [(a.id, a.reference, a.call_id) for a in session.exec(select(Application).order_by(col(Application.id)))]

    principals = [_authenticate(engine, token) for token in tokens]

    assert principals == [
        Principal(TokenRole.applicant, _token_id(engine, token), reference, application_id=app_id, call_id=call_id)
        for token, (app_id, reference, call_id) in zip(tokens, apps, strict=True)
    ]
    assert [p.name for p in principals if p is not None] == ["CSF-2026-00001", "CSF-2026-00002"]


def test_authenticate_unknown_empty_or_overlong_token_is_none(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        issued = add_manager(session, name="Ada Lovelace", actor="admin")
        overlong = issued.token * 11  # 352 characters, over the 256 a token may have
        record = session.exec(select(AccessToken)).one()
        record.token_hash = hash_token(overlong)  # even a stored hash does not let it in
        session.add(record)

    candidates = ["", "x" * 257, new_token(), "not a token", overlong, issued.token]

    assert [_authenticate(engine, token) for token in candidates] == [None] * 6


def test_authenticate_a_token_is_valid_for_its_days_then_expires(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        issued = add_manager(session, name="Ada Lovelace", actor="admin", days=3)
        created_at = session.exec(select(AccessToken.created_at)).one()
    at = [issued.expires_at - dt.timedelta(seconds=1), issued.expires_at, issued.expires_at + dt.timedelta(days=1)]

    names = [p.name if p else None for p in (_authenticate(engine, issued.token, now=moment) for moment in at)]

    assert names == ["Ada Lovelace", None, None]
    assert (issued.subject, issued.expires_at - created_at) == ("Ada Lovelace", dt.timedelta(days=3))


ISSUERS: dict[TokenRole, Callable[[Session], Issued]] = {
    TokenRole.manager: lambda s: manager_token(s, name="Ada Lovelace", actor="admin"),
    TokenRole.reviewer: lambda s: reviewer_token(s, email="reviewer1@example.org", call_code=None, actor="admin"),
    TokenRole.applicant: lambda s: applicant_token(s, reference=" csf-2026-00001 ", actor="admin"),
}


def _issue_each_role(engine: Engine) -> list[Issued]:
    issued = []
    for issue in ISSUERS.values():
        with unit_of_work(engine) as session:
            issued.append(issue(session))
    return issued


def test_issuing_a_new_token_revokes_the_previous_one_of_that_subject_only(engine: Engine, tmp_path: Path) -> None:
    first_intake, second_intake = _with_applications_and_reviewers(engine, tmp_path)
    with unit_of_work(engine) as session:
        add_manager(session, name="Ada Lovelace", actor="admin")
    old = _issue_each_role(engine)
    new = _issue_each_role(engine)

    def who(token: str) -> tuple[TokenRole, str] | None:
        principal = _authenticate(engine, token)
        return None if principal is None else (principal.role, principal.name)

    assert [who(i.token) for i in old] == [None, None, None]
    assert [who(i.token) for i in new] == [
        (TokenRole.manager, "Ada Lovelace"),
        (TokenRole.reviewer, "reviewer1@example.org"),
        (TokenRole.applicant, REF),
    ]
    assert [who(first_intake), who(second_intake)] == [None, (TokenRole.applicant, "CSF-2026-00002")]


def test_revoke_returns_the_count_and_the_tokens_stop_working(engine: Engine, tmp_path: Path) -> None:
    _with_applications_and_reviewers(engine, tmp_path)
    with unit_of_work(engine) as session:
        add_manager(session, name="Ada Lovelace", actor="admin")
    issued = _issue_each_role(engine)
    subjects = [(TokenRole.manager, " Ada  Lovelace"), (TokenRole.reviewer, "Reviewer1@Example.org"),
                (TokenRole.applicant, REF)]  # fmt: skip

    with unit_of_work(engine) as session:
        counts = [revoke(session, role=role, who=who, call_code=None, actor="admin") for role, who in subjects * 2]

    assert counts == [1, 1, 1, 0, 0, 0]
    assert [_authenticate(engine, i.token) for i in issued] == [None, None, None]


def test_add_manager_normalizes_the_name_and_refuses_a_second_one(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        issued = add_manager(session, name="  Ada \t Lovelace ", actor="admin")

    with pytest.raises(ManagerExists) as raised, unit_of_work(engine) as session:
        add_manager(session, name="Ada   Lovelace", actor="admin")

    assert (raised.value.code, raised.value.field) == ("manager_exists", "name")
    assert raised.value.en == (
        "a manager named 'Ada Lovelace' exists already; use `grants managers token` for a new token"
    )
    with unit_of_work(engine) as session:
        assert session.exec(select(Manager.name)).all() == ["Ada Lovelace"]
        manager_id = get_manager(session, " Ada  Lovelace").id
    assert _authenticate(engine, issued.token) == Principal(
        TokenRole.manager, _token_id(engine, issued.token), "Ada Lovelace", manager_id=manager_id
    )


def test_add_manager_refuses_an_unusable_name_or_fewer_than_one_day(engine: Engine) -> None:
    refusals = []
    for name, days in [("", None), ("   ", None), ("x" * 121, None), ("Ada Lovelace", 0), ("Ada Lovelace", -1)]:
        with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
            add_manager(session, name=name, actor="admin", days=days)
        refusals.append((raised.value.field, raised.value.en))

    assert (
        refusals
        == [("name", "a manager's name must have 1 to 120 characters")] * 3
        + [("days", "a token must be valid for at least one day")] * 2
    )
    with unit_of_work(engine) as session:
        assert session.exec(select(Manager)).all() == []


def test_reviewer_token_for_an_email_in_two_calls_needs_the_call(engine: Engine, tmp_path: Path) -> None:
    _with_applications_and_reviewers(engine, tmp_path)
    spec = example_spec().model_copy(update={"code": "csf-2027", "reference_prefix": "CSF-2027"})
    with unit_of_work(engine) as session:
        other, _ = save_call(session, spec=spec, actor="manager.test")
        session.add(Reviewer(call_id=other.id or 0, name="Reviewer 1 Lavoie", email="reviewer1@example.org"))

    with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
        reviewer_token(session, email="reviewer1@example.org", call_code=None, actor="admin")
    with unit_of_work(engine) as session:
        issued = reviewer_token(session, email=" REVIEWER1@example.org", call_code="csf-2027", actor="admin")

    assert (raised.value.field, raised.value.en) == (
        "call",
        "reviewer1@example.org reviews in several calls; name the call with --call",
    )
    principal = _authenticate(engine, issued.token)
    with unit_of_work(engine) as session:
        reviewer_id = session.exec(select(Reviewer.id).where(Reviewer.call_id == other.id)).one()
    assert principal == Principal(
        TokenRole.reviewer,
        _token_id(engine, issued.token),
        "reviewer1@example.org",
        reviewer_id=reviewer_id,
        call_id=other.id,
    )


def test_the_database_keeps_only_the_sha256_of_each_token(engine: Engine, tmp_path: Path) -> None:
    intake = _with_applications_and_reviewers(engine, tmp_path)
    with unit_of_work(engine) as session:
        issued = [
            add_manager(session, name="Ada Lovelace", actor="admin").token,
            reviewer_token(session, email="reviewer1@example.org", call_code="csf-2026", actor="admin").token,
        ]
    tokens = [*intake, *issued]

    with unit_of_work(engine) as session:
        hashes = session.exec(select(AccessToken.token_hash).order_by(col(AccessToken.id))).all()
        rows = [*session.execute(sa_select(table(AccessToken))), *session.execute(sa_select(table(AuditEvent)))]

    assert hashes == [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in tokens]
    dumped = " ".join(str(tuple(row)) for row in rows)
    assert [t for t in tokens if t in dumped] == []


def test_manager_and_token_events_are_audited(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = add_manager(session, name="Ada Lovelace", actor="admin", days=10)
    with unit_of_work(engine) as session:
        second = manager_token(session, name="Ada Lovelace", actor="office", days=5)
    with unit_of_work(engine) as session:
        revoke(session, role=TokenRole.manager, who="Ada Lovelace", call_code=None, actor="office")

    with unit_of_work(engine) as session:
        manager_id = get_manager(session, "Ada Lovelace").id
        token_ids = session.exec(select(AccessToken.id).order_by(col(AccessToken.id))).all()
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.action).in_(["manager.added", "token.issued", "token.revoked"]))
            .order_by(col(AuditEvent.id))
        ).all()  # fmt: skip

    assert [(e.actor, e.action, e.entity, e.entity_id, e.data) for e in events] == [
        ("admin", "manager.added", "manager", manager_id, {}),
        ("admin", "token.issued", "accesstoken", token_ids[0],
         {"role": "manager", "subject": "Ada Lovelace", "expires_at": first.expires_at.isoformat(), "revoked": 0}),
        ("office", "token.issued", "accesstoken", token_ids[1],
         {"role": "manager", "subject": "Ada Lovelace", "expires_at": second.expires_at.isoformat(), "revoked": 1}),
        ("office", "token.revoked", "accesstoken", None, {"role": "manager", "subject": "Ada Lovelace", "revoked": 1}),
    ]  # fmt: skip


def test_reviewer_and_applicant_token_events_name_their_call(engine: Engine, tmp_path: Path) -> None:
    _with_applications_and_reviewers(engine, tmp_path)
    with unit_of_work(engine) as session:
        call_id = get_call(session, "csf-2026").id
        reviewer_token(session, email="reviewer1@example.org", call_code=None, actor="admin")
        applicant_token(session, reference=REF, actor="admin")
        revoke(session, role=TokenRole.applicant, who=REF, call_code=None, actor="admin")

    with unit_of_work(engine) as session:
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.action).in_(["token.issued", "token.revoked"]))
            .order_by(col(AuditEvent.id))
        ).all()  # fmt: skip

    assert [(e.action, e.call_id, e.data["role"], e.data["subject"], e.data["revoked"]) for e in events] == [
        ("token.issued", call_id, "reviewer", "reviewer1@example.org", 0),
        ("token.issued", call_id, "applicant", REF, 1),
        ("token.revoked", call_id, "applicant", REF, 1),
    ]
