"""Two workers racing on the same thing (SQLite and PostgreSQL): nothing is done twice.

Each race starts two threads at a barrier, each with its own unit of work, doing the same
thing at once: the row locks (grants.db.lock) and duplicate-safe inserts must leave one
award round, one approval and its payment milestones, one letter, one released payment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from grants.awards import DecisionRow, approve_round, inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call
from grants.db import unit_of_work
from grants.errors import DomainError
from grants.milestones import decide_report, sign_agreement, submit_report
from grants.models import Application, AuditEvent, AwardRound, Milestone, Notice
from grants.notice_records import NoticeJob, WrittenNotice, record_notices
from tests.factories import FUNDED_REFERENCE, example_spec, funded_application, reviewed_applications


def race(engine: Engine, work: Callable[[Session], Any]) -> list[Any]:
    """Run ``work`` in two threads at once, each in its own unit of work; their results or errors."""
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(slot: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(engine) as session:
                results[slot] = work(session)
        except DomainError as exc:
            results[slot] = exc

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _count(engine: Engine, statement: Any) -> int:
    with unit_of_work(engine) as session:
        return int(session.exec(statement).one())


def _draft(session: Session, decisions: list[DecisionRow], run_by: str = "Runner", seed: int = 1) -> int:
    call = get_call(session, "csf-2026")
    award_round = record_round(
        session, call_code="csf-2026", policy=resolve_policy(example_spec(), None, seed=seed), decisions=decisions,
        report={}, inputs_hash=inputs_fingerprint(session, call=call), dry_run=False, run_by=run_by, kind="initial",
    )  # fmt: skip
    return award_round.id or 0


def _funding_first(session: Session) -> list[DecisionRow]:
    app_id = session.exec(select(Application.id).where(Application.reference == FUNDED_REFERENCE)).one()
    return [DecisionRow(app_id or 0, "funded", 12_500_000, None, "rank", "Funded.", "Financée.")]


def test_the_same_round_run_by_two_workers_is_stored_once(engine: Engine, tmp_path: Path) -> None:
    reviewed_applications(engine, tmp_path)

    ids = race(engine, lambda session: _draft(session, _funding_first(session)))

    assert ids[0] == ids[1]
    assert _count(engine, select(func.count()).select_from(AwardRound)) == 1


def test_two_drafts_approved_at_once_fund_once(engine: Engine, tmp_path: Path) -> None:
    reviewed_applications(engine, tmp_path)
    with unit_of_work(engine) as session:
        first = _draft(session, _funding_first(session), seed=1)
        second = _draft(session, _funding_first(session), seed=2)
    rounds = iter([first, second])
    lock = threading.Lock()

    def approve(session: Session) -> Any:
        with lock:
            round_id = next(rounds)
        return approve_round(session, round_id=round_id, manager="Approver")

    results = race(engine, approve)

    approvals = [r for r in results if not isinstance(r, DomainError)]
    refusals = [r.code for r in results if isinstance(r, DomainError)]
    assert (len(approvals), refusals) == (1, ["round_refused"])
    assert _count(engine, select(func.count()).select_from(AwardRound).where(AwardRound.status == "approved")) == 1
    assert _count(engine, select(func.count()).select_from(Milestone)) == approvals[0].milestones == 5


def test_a_letter_batch_recorded_twice_at_once_is_recorded_once(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        app_id = session.exec(select(Application.id).where(Application.reference == FUNDED_REFERENCE)).one() or 0
        round_id = session.exec(select(AwardRound.id)).one() or 0
    job = NoticeJob(f"funded:{app_id}:{round_id}", app_id, "funded", round_id, None, "en", "letter.docx", {})
    letter = WrittenNotice(job, str(tmp_path / "letter.docx"), "a" * 64)

    counts = race(engine, lambda session: record_notices(session, written=[letter], actor="worker"))

    assert sorted(counts) == [0, 1]
    assert _count(engine, select(func.count()).select_from(Notice)) == 1
    assert (
        _count(engine, select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "notice.generated")) == 1
    )


def test_a_report_accepted_twice_at_once_releases_its_payment_once(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=FUNDED_REFERENCE, actor="org")
        counts = {"awareness_sessions_held": 4}
        report = submit_report(session, reference=FUNDED_REFERENCE, narrative="Workshops held.", indicators=counts,
                               known_indicators=counts, actor="org")  # fmt: skip
        report_id = report.id or 0

    results = race(engine, lambda session: decide_report(session, report_id=report_id, accept=True, reason="",
                                                          manager="Mina").status)  # fmt: skip

    assert sorted(r if isinstance(r, str) else r.code for r in results) == ["accepted", "milestone_refused"]
    released = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "payment.released")
    assert _count(engine, released) == 1
    assert _count(engine, select(func.count()).select_from(Milestone).where(col(Milestone.status) == "paid")) == 1


def test_an_agreement_signed_twice_at_once_is_signed_once(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)

    results = race(engine, lambda session: str(sign_agreement(session, reference=FUNDED_REFERENCE, actor="org").status))

    assert sorted(r if isinstance(r, str) else r.code for r in results) == ["active", "illegal_transition"]
    signed = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "agreement.signed")
    assert _count(engine, signed) == 1
