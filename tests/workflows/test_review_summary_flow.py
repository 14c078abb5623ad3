"""The review summary flow: stored results, flags, transitions and moderation (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from grants.db import unit_of_work
from grants.errors import InvalidInput
from grants.models import Application, ApplicationScore, Assignment, AuditEvent, Reviewer
from grants.reviews import ReviewSubmission, record_review
from grants.scores import moderate, ranking, summary_method
from tests.factories import add_reviewers, application_row, create_example_call, example_spec, reviewer_row, take_in
from workflows.runtime import run_flow
from workflows.scoring import review_summary_flow

CRITERIA = [c.code for c in example_spec().rubric]
DURING_REVIEW = dt.datetime(2026, 4, 20, 15, 0, tzinfo=dt.UTC)


def _review(engine: Engine, reference: str, reviewer_id: int, score: int) -> None:
    submission = ReviewSubmission(dict.fromkeys(CRITERIA, score), dict.fromkeys(CRITERIA, "Noted."), "fund")
    with unit_of_work(engine) as session:
        record_review(session, reference=reference, reviewer_id=reviewer_id, submission=submission, actor="r",
                      now=DURING_REVIEW)  # fmt: skip


def _setup(engine: Engine, tmp_path: Path) -> None:
    """Two applications in review with the same three reviewers; the second lacks one review."""
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(1), application_row(2)])
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(n) for n in (1, 2, 3)])
    with unit_of_work(engine) as session:
        reviewers = [r.id or 0 for r in session.exec(select(Reviewer).order_by(Reviewer.email))]
        for app in session.exec(select(Application)):
            app.status = "in_review"  # type: ignore[assignment]
            session.add(app)
            for reviewer_id in reviewers:
                session.add(Assignment(application_id=app.id or 0, reviewer_id=reviewer_id))
    r1, r2, r3 = reviewers
    for reviewer_id, score in ((r1, 4), (r2, 4), (r3, 5)):
        _review(engine, "CSF-2026-00001", reviewer_id, score)
    for reviewer_id, score in ((r1, 2), (r2, 5)):
        _review(engine, "CSF-2026-00002", reviewer_id, score)


def _scores(engine: Engine) -> dict[str, tuple[object, ...]]:
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(Application.reference, ApplicationScore).join(
                ApplicationScore,
                ApplicationScore.application_id == Application.id,  # type: ignore[arg-type]
            )
        ).all()
    return {
        ref: (s.n_reviews, s.missing_reviews, round(s.raw_mean or 0, 6), s.disagreement, s.spread_criterion, s.rank)
        for ref, s in rows
    }


def test_review_summary_stores_results_flags_disagreement_and_moves_complete_applications(
    engine: Engine, tmp_path: Path
) -> None:
    _setup(engine, tmp_path)

    summary = run_flow(review_summary_flow, call_code="csf-2026")

    assert (summary.applications, summary.reviews, summary.flagged, summary.missing, summary.moved_to_reviewed) == (
        2,
        5,
        1,
        1,
        1,
    )
    assert _scores(engine) == {
        "CSF-2026-00001": (3, 0, round(13 / 3, 6), False, "budget_value", 1),
        "CSF-2026-00002": (2, 1, 3.5, True, "budget_value", 2),
    }
    with unit_of_work(engine) as session:
        assert {a.reference: a.status for a in session.exec(select(Application))} == {
            "CSF-2026-00001": "reviewed",
            "CSF-2026-00002": "in_review",
        }


def test_moderated_score_is_audited_and_used_by_the_ranking(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    run_flow(review_summary_flow, call_code="csf-2026")

    with unit_of_work(engine) as session:
        moderate(session, reference="CSF-2026-00002", score=4.9, reason="Panel discussion: the 2 misread the budget",
                 actor="manager.b")  # fmt: skip
    run_flow(review_summary_flow, call_code="csf-2026")

    with unit_of_work(engine) as session:
        ranked = [(r.reference, r.rank, r.moderated) for r in ranking(session, call_code="csf-2026")]
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "score.moderated")).one()
    assert ranked == [("CSF-2026-00002", 1, 4.9), ("CSF-2026-00001", 2, None)]
    assert (event.actor, event.reason) == ("manager.b", "Panel discussion: the 2 misread the budget")


def test_moderation_needs_a_reason_and_a_score_on_the_scale(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    run_flow(review_summary_flow, call_code="csf-2026")

    with pytest.raises(InvalidInput) as no_reason, unit_of_work(engine) as session:
        moderate(session, reference="CSF-2026-00002", score=4.0, reason=" ", actor="m")
    with pytest.raises(InvalidInput) as off_scale, unit_of_work(engine) as session:
        moderate(session, reference="CSF-2026-00002", score=5.5, reason="x", actor="m")

    assert (no_reason.value.field, off_scale.value.field) == ("reason", "score")


def test_moderating_on_the_command_line_recomputes_with_the_last_summarys_method(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli import main

    _setup(engine, tmp_path)
    run_flow(review_summary_flow, call_code="csf-2026", method="standardize")

    code = main(["reviews", "moderate", "CSF-2026-00002", "--score", "4.5", "--reason", "Panel discussion"])

    with unit_of_work(engine) as session:
        methods = sorted(set(session.exec(select(ApplicationScore.method)).all()))
        assert summary_method(session, reference="CSF-2026-00001") == "standardize"
    assert (code, methods) == (0, ["standardize"])
    assert capsys.readouterr().err == ""
