"""The managers' dashboard read models: stage table, reviewers' progress, ranking, runs, rounds and reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from grants.calls import get_call, save_call
from grants.callspec import parse_call_text
from grants.dashboard import (
    StreamName,
    dashboard,
    list_calls,
    milestone_report,
    ranked_applications,
    recent_runs,
    reports_waiting,
    review_progress,
    round_call,
    stage_table,
)
from grants.db import read_only, unit_of_work
from grants.errors import NotFound
from grants.milestones import decide_report, sign_agreement, submit_report
from grants.models import Application, ApplicationStatus, Assignment, Moderation, Review, ReviewDraft, Reviewer
from grants.stage_runs import start_run
from grants.status import StageCount
from scoring.reporting import INDICATORS
from tests.api.world import World, build_world, open_call_toml

S = ApplicationStatus
STREAMS = [StreamName("csf", "Fonds de soutien", "Support Fund"), StreamName("iif", "Fonds autochtones", "IIF")]


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    return build_world(engine, tmp_path)


def _assignment(session: Session, reviewer_name: str) -> Assignment:
    return session.exec(
        select(Assignment)
        .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
        .where(Reviewer.name == reviewer_name)
    ).one()


def test_stage_table_pivots_counts_in_lifecycle_order_with_totals() -> None:
    counts = [StageCount("iif", S.funded, 2), StageCount("csf", S.in_review, 3), StageCount("csf", S.funded, 1)]

    table = stage_table(counts, STREAMS)

    assert table.stages == [S.in_review, S.funded]
    assert table.counts == {(S.funded, "iif"): 2, (S.in_review, "csf"): 3, (S.funded, "csf"): 1}
    assert table.stage_totals == {S.in_review: 3, S.funded: 3}
    assert table.stream_totals == {"csf": 4, "iif": 2}
    assert table.total == 6


def test_stage_table_keeps_every_stream_even_without_applications() -> None:
    table = stage_table([], STREAMS)

    assert [s.code for s in table.streams] == ["csf", "iif"]
    assert table.stages == []
    assert table.stream_totals == {"csf": 0, "iif": 0}
    assert table.total == 0


def test_review_progress_counts_active_work_drafts_and_conflicts(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        ada, uma, carl = (_assignment(session, name) for name in ("Ada Assigned", "Uma Unassigned", "Carl Conflicted"))
        session.add(Review(assignment_id=ada.id or 0, scores={"relevance": 4}))
        # A draft left beside a submitted review, and one on a recused assignment, are not work in progress.
        session.add(ReviewDraft(assignment_id=ada.id or 0))
        session.add(ReviewDraft(assignment_id=carl.id or 0))
        session.add(ReviewDraft(assignment_id=uma.id or 0))

    with read_only(engine) as session:
        progress = review_progress(session, call=get_call(session, "csf-2026"))

    assert [(p.name, p.assigned, p.submitted, p.drafts, p.conflicts) for p in progress] == [
        ("Ada Assigned", 1, 1, 0, 0),
        ("Carl Conflicted", 0, 0, 0, 1),
        ("Uma Unassigned", 1, 0, 1, 0),
    ]


def test_ranked_applications_add_title_decision_and_moderated_score(engine: Engine, world: World) -> None:
    with read_only(engine) as session:
        before = ranked_applications(session, call_code="csf-2026")
    with unit_of_work(engine) as session:
        app = session.exec(select(Application).where(Application.reference == world.own)).one()
        session.add(Moderation(application_id=app.id or 0, score=3.75, reason="Panel", moderated_by="Mina Manager"))

    with read_only(engine) as session:
        after = ranked_applications(session, call_code="csf-2026")

    assert [(r.row.reference, r.title, r.decision, r.score) for r in before] == [
        (world.own, "Housing navigation", "funded", 4.5)
    ]
    assert [r.score for r in after] == [3.75]


def test_recent_runs_are_the_calls_and_fund_wide_ones_newest_first(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        save_call(session, spec=parse_call_text(open_call_toml("other-2026", "OTH-2026")), actor="setup")
    with unit_of_work(engine) as session:
        for run_id, call_code in (("a" * 36, "csf-2026"), ("b" * 36, "other-2026"), ("c" * 36, None)):
            stage = "screening" if call_code else "milestone-check"
            start_run(session, flow_run_id=run_id, stage=stage, call_code=call_code, parameters={}, requested_by="Mina")

    with read_only(engine) as session:
        runs = recent_runs(session, call=get_call(session, "csf-2026"))

    assert [(r.flow_run_id[0], r.stage) for r in runs] == [("c", "milestone-check"), ("a", "screening")]


def test_round_call_finds_the_round_and_its_call(engine: Engine, world: World) -> None:
    with read_only(engine) as session:
        award_round, call = round_call(session, round_id=1)
        with pytest.raises(NotFound):
            round_call(session, round_id=99)

    assert (award_round.status, award_round.run_by, call.code) == ("approved", "Round Runner", "csf-2026")


def test_dashboard_gathers_the_call_in_one_read(engine: Engine, world: World) -> None:
    with read_only(engine) as session:
        board = dashboard(session, call_code="csf-2026")
        calls = [c.code for c in list_calls(session)]

    assert calls == ["csf-2026"]
    assert board.stages.stage_totals == {S.in_review: 2, S.funded: 1}
    assert board.pending_reviews == 0
    assert [(c.reviewer, c.reference) for c in board.conflicts] == [("Carl Conflicted", world.reviewed)]
    assert {code: [r.row.reference for r in rows] for code, rows in board.ranking.items()} == {
        "csf": [world.own],
        "iif": [],
    }
    assert [(r.id, r.status) for r in board.rounds] == [(1, "approved")]


def test_dashboard_of_an_unknown_call_is_not_found(engine: Engine, world: World) -> None:
    with read_only(engine) as session, pytest.raises(NotFound):
        dashboard(session, call_code="nope-2030")


def _submitted_report(engine: Engine, reference: str) -> int:
    with unit_of_work(engine) as session:
        sign_agreement(session, reference=reference, actor="setup")
    with unit_of_work(engine) as session:
        report = submit_report(
            session,
            reference=reference,
            narrative="Twelve sessions held.\nFour partners joined.",
            indicators={"awareness_sessions_held": 12},
            known_indicators=INDICATORS,
            actor="setup",
            now=dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC),
        )
        return report.id or 0


def test_reports_waiting_are_the_calls_submitted_reports_with_their_milestone(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        save_call(session, spec=parse_call_text(open_call_toml("other-2026", "OTH-2026")), actor="setup")
    report_id = _submitted_report(engine, world.own)

    with read_only(engine) as session:
        waiting = reports_waiting(session, call=get_call(session, "csf-2026"))
        elsewhere = reports_waiting(session, call=get_call(session, "other-2026"))
        board = dashboard(session, call_code="csf-2026")

    assert [
        (r.report_id, r.call_code, r.reference, r.organization, r.sequence, r.kind, r.due_date, r.amount_cents,
         r.milestone_status, r.submitted_at, r.narrative, r.indicators, r.status, r.decided_by)
        for r in waiting
    ] == [
        (report_id, "csf-2026", world.own, "Ottawa Survivors Network", 2, "interim", dt.date(2027, 1, 1), 2_083_334,
         "submitted", dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC), "Twelve sessions held.\nFour partners joined.",
         {"awareness_sessions_held": 12}, "submitted", None)
    ]  # fmt: skip
    assert elsewhere == []
    assert board.reports == waiting


def test_a_decided_report_no_longer_waits_but_can_still_be_read(engine: Engine, world: World) -> None:
    report_id = _submitted_report(engine, world.own)
    with unit_of_work(engine) as session:
        decide_report(session, report_id=report_id, accept=True, reason="Complete.", manager="Mina Manager")

    with read_only(engine) as session:
        waiting = reports_waiting(session, call=get_call(session, "csf-2026"))
        report = milestone_report(session, report_id=report_id)
        with pytest.raises(NotFound):
            milestone_report(session, report_id=report_id + 1)

    assert waiting == []
    assert (report.status, report.milestone_status, report.decided_by, report.decision_reason) == (
        "accepted",
        "paid",
        "Mina Manager",
        "Complete.",
    )
    assert report.decided_at is not None
