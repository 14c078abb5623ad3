"""Recording reviews: who may review, what a review holds, and the deadline lock (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from grants.calls import get_call
from grants.db import unit_of_work
from grants.errors import InvalidInput
from grants.models import Application, Assignment, AuditEvent, Conflict, Review, Reviewer
from grants.reviews import (
    NotAssigned,
    ReviewLocked,
    ReviewSubmission,
    read_review_file,
    record_review,
    review_columns,
    store_reviews,
)
from tests.factories import (
    add_reviewers,
    application_row,
    create_example_call,
    example_spec,
    reviewer_row,
    take_in,
    write_rows,
)

CRITERIA = [c.code for c in example_spec().rubric]
BEFORE_DEADLINE = dt.datetime(2026, 5, 15, 20, 59, tzinfo=dt.UTC)  # 4:59 p.m. in Toronto
AFTER_DEADLINE = dt.datetime(2026, 5, 15, 21, 0, 1, tzinfo=dt.UTC)


def _submission(score: int | None = 4, **changes: object) -> ReviewSubmission:
    scores: dict[str, int | None] = dict.fromkeys(CRITERIA, score)
    comments = dict.fromkeys(CRITERIA, "Clear and well argued.")
    values: dict[str, object] = {"scores": scores, "comments": comments, "recommendation": "fund"}
    values.update(changes)
    return ReviewSubmission(**values)  # type: ignore[arg-type]


def _setup(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Application 1 assigned to reviewers 1 and 2; reviewer 2 then declared a conflict."""
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(1)])
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(1), reviewer_row(2), reviewer_row(3)])
    with unit_of_work(engine) as session:
        app = session.exec(select(Application)).one()
        ids = {r.email.split("@")[0]: r.id or 0 for r in session.exec(select(Reviewer))}
        session.add(Assignment(application_id=app.id or 0, reviewer_id=ids["reviewer1"]))
        session.add(Assignment(application_id=app.id or 0, reviewer_id=ids["reviewer2"]))
        session.add(Conflict(reviewer_id=ids["reviewer2"], application_id=app.id or 0, source="declared",
                             rule="declared"))  # fmt: skip
    return ids


def test_record_review_by_the_assigned_reviewer_then_update_then_unchanged(engine: Engine, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    with_na = _submission(3, scores={**dict.fromkeys(CRITERIA, 3), "budget_value": None})

    with unit_of_work(engine) as session:
        _, first = record_review(session, reference="CSF-2026-00001", reviewer_id=ids["reviewer1"],
                                 submission=_submission(), actor="reviewer1", now=BEFORE_DEADLINE)  # fmt: skip
    with unit_of_work(engine) as session:
        _, second = record_review(session, reference="CSF-2026-00001", reviewer_id=ids["reviewer1"],
                                  submission=with_na, actor="reviewer1", now=BEFORE_DEADLINE)  # fmt: skip
    with unit_of_work(engine) as session:
        _, third = record_review(session, reference="CSF-2026-00001", reviewer_id=ids["reviewer1"],
                                 submission=with_na, actor="reviewer1", now=BEFORE_DEADLINE)  # fmt: skip

    assert (first, second, third) == ("created", "updated", "unchanged")
    with unit_of_work(engine) as session:
        review = session.exec(select(Review)).one()
        assert review.scores == {**dict.fromkeys(CRITERIA, 3), "budget_value": None}
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.entity == "review").order_by(col(AuditEvent.id))
        ).all()
        assert actions == ["review.submitted", "review.updated"]


@pytest.mark.parametrize("reviewer", ["reviewer2", "reviewer3"])
def test_record_review_by_a_conflicted_or_unassigned_reviewer_is_refused(
    engine: Engine, tmp_path: Path, reviewer: str
) -> None:
    ids = _setup(engine, tmp_path)

    with pytest.raises(NotAssigned) as raised, unit_of_work(engine) as session:
        record_review(session, reference="CSF-2026-00001", reviewer_id=ids[reviewer], submission=_submission(),
                      actor=reviewer, now=BEFORE_DEADLINE)  # fmt: skip

    assert raised.value.en == (
        "CSF-2026-00001 is not assigned to this reviewer, or the reviewer has a conflict with it"
    )
    with unit_of_work(engine) as session:
        assert session.exec(select(Review)).all() == []


def test_record_review_after_the_deadline_is_locked(engine: Engine, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)

    with pytest.raises(ReviewLocked) as raised, unit_of_work(engine) as session:
        record_review(session, reference="CSF-2026-00001", reviewer_id=ids["reviewer1"], submission=_submission(),
                      actor="reviewer1", now=AFTER_DEADLINE)  # fmt: skip

    assert raised.value.en == "the review deadline (May 15, 2026 at 5:00 p.m.) has passed; reviews are locked"


@pytest.mark.parametrize(
    ("submission", "field", "message"),
    [
        (_submission(6), "scores.need_alignment", "a score is a whole number from 0 to 5, or not applicable"),
        (_submission(comments={}), "comments.need_alignment", "a comment is required"),
        (_submission(recommendation="maybe"), "recommendation", "unknown recommendation; expected one of: fund, "
                                                                  "consider, decline"),
        (_submission(scores={"need_alignment": 3}), "scores.survivor_centred", "a score is required"),
    ],
)  # fmt: skip
def test_record_review_incomplete_review_names_the_field(
    engine: Engine, tmp_path: Path, submission: ReviewSubmission, field: str, message: str
) -> None:
    ids = _setup(engine, tmp_path)

    with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
        record_review(session, reference="CSF-2026-00001", reviewer_id=ids["reviewer1"], submission=submission,
                      actor="reviewer1", now=BEFORE_DEADLINE)  # fmt: skip

    assert (raised.value.field, raised.value.en) == (field, message)


def test_review_file_rows_are_checked_and_refusals_reported(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    good = {"reference": "CSF-2026-00001", "reviewer_email": "reviewer1@example.org", "recommendation": "consider"}
    for code in CRITERIA:
        good[code] = "4"
        good[f"{code}_comment"] = "Solide."
    rows = [
        {**good, "budget_value": "na"},
        {**good, "reviewer_email": "reviewer3@example.org"},
        {**good, "reference": "CSF-2026-00009", "need_alignment": "7"},
    ]
    path = write_rows(tmp_path / "reviews.csv", rows, review_columns(example_spec()))

    checked = read_review_file(path, example_spec())
    with unit_of_work(engine) as session:
        stored = store_reviews(session, call=get_call(session, "csf-2026"), rows=checked.rows, actor="import",
                               now=BEFORE_DEADLINE)  # fmt: skip

    assert [(e.row, e.column, e.reason_en) for e in checked.errors] == [
        (4, "need_alignment", "a score is a whole number from 0 to 5, or na (not applicable)")
    ]
    assert (stored.created, stored.updated, stored.unchanged) == (1, 0, 0)
    assert [(e.row, e.reason_en) for e in stored.refused] == [
        (3, "CSF-2026-00001 is not assigned to this reviewer, or the reviewer has a conflict with it")
    ]
    with unit_of_work(engine) as session:
        review = session.exec(select(Review)).one()
        assert (review.scores["budget_value"], review.scores["need_alignment"], review.recommendation) == (
            None,
            4,
            "consider",
        )
