"""Review drafts and the all-errors check of a review typed in a form (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from grants.assignment import store_assignment
from grants.calls import get_call
from grants.conflicts import DECLARED, ConflictRow, store_declared
from grants.db import unit_of_work
from grants.models import Application, Review, ReviewDraft, Reviewer
from grants.portal import reviewer_assignments
from grants.review_drafts import (
    ReviewForm,
    ReviewRefused,
    draft_errors,
    find_draft,
    form_of,
    save_draft,
    submission_errors,
    submit_review,
)
from grants.reviews import NotAssigned, ReviewLocked, ReviewSubmission, record_review
from tests.factories import add_reviewers, application_row, create_example_call, example_spec, reviewer_row, take_in

REF = "CSF-2026-00001"
CRITERIA = [c.code for c in example_spec().rubric]
BEFORE_DEADLINE = dt.datetime(2026, 5, 1, 14, 0, tzinfo=dt.UTC)
AFTER_DEADLINE = dt.datetime(2026, 5, 15, 21, 1, tzinfo=dt.UTC)  # 5:01 p.m. in Toronto
COMPLETE = ReviewForm(
    scores={**dict.fromkeys(CRITERIA, "3"), "budget_value": "na"},
    comments=dict.fromkeys(CRITERIA, "  Clear and\n well argued. "),
    recommendation="fund",
)
REQUIRED_SCORE = ("a score is required", "une note est obligatoire")
REQUIRED_COMMENT = ("a comment is required", "un commentaire est obligatoire")
SCORE_RULE = (
    "a score is a whole number from 0 to 5, or not applicable",
    "une note est un nombre entier de 0 à 5, ou « sans objet »",
)


@pytest.fixture
def reviewers(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Application 1 assigned to reviewers 1 and 2; reviewer 2 then declares a conflict; ids by short name."""
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(1)])
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(n) for n in (1, 2, 3)])
    with unit_of_work(engine) as session:
        app = session.exec(select(Application)).one()
        app.status = "eligible"  # type: ignore[assignment]
        session.add(app)
        ids = {r.email.split("@")[0]: r.id or 0 for r in session.exec(select(Reviewer))}
        pairs = [(app.id or 0, ids["reviewer1"], 1.0), (app.id or 0, ids["reviewer2"], 1.0)]
        store_assignment(session, call_code="csf-2026", pairs=pairs, actor="t")
        store_declared(
            session,
            call=get_call(session, "csf-2026"),
            rows=[ConflictRow(ids["reviewer2"], app.id or 0, DECLARED, "Board", "Board")],
            actor="t",
        )
    return ids


def _counts(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        reviews = session.exec(select(func.count()).select_from(Review)).one()
        drafts = session.exec(select(func.count()).select_from(ReviewDraft)).one()
    return reviews, drafts


# --- checking every field at once -------------------------------------------------------------


def test_submission_errors_name_every_field_at_once() -> None:
    form = ReviewForm(
        scores={"need_alignment": "4", "survivor_centred": "7", "cultural_accessibility": "high"},
        comments={"need_alignment": "Fine.", "survivor_centred": "x" * 4001},
        recommendation="maybe",
    )

    errors = submission_errors(example_spec(), form)

    assert errors == {
        "scores.survivor_centred": SCORE_RULE,
        "scores.cultural_accessibility": SCORE_RULE,
        "comments.survivor_centred": ("longer than 4000 characters", "dépasse 4000 caractères"),
        "comments.cultural_accessibility": REQUIRED_COMMENT,
        "scores.capacity_partnerships": REQUIRED_SCORE,
        "comments.capacity_partnerships": REQUIRED_COMMENT,
        "scores.budget_value": REQUIRED_SCORE,
        "comments.budget_value": REQUIRED_COMMENT,
        "scores.evaluation_outcomes": REQUIRED_SCORE,
        "comments.evaluation_outcomes": REQUIRED_COMMENT,
        "recommendation": (
            "unknown recommendation; expected one of: fund, consider, decline",
            "recommandation inconnue; valeurs permises : fund, consider, decline",
        ),
    }


def test_submission_errors_of_an_empty_form_ask_for_everything() -> None:
    errors = submission_errors(example_spec(), ReviewForm(scores={}, comments={}))

    assert len(errors) == 2 * len(CRITERIA) + 1
    assert errors["recommendation"] == ("a recommendation is required", "une recommandation est obligatoire")


def test_a_complete_form_has_no_errors_and_unknown_criteria_are_named() -> None:
    unknown = ReviewForm(scores={**COMPLETE.scores, "charisma": "5"}, comments=COMPLETE.comments, recommendation="fund")

    assert submission_errors(example_spec(), COMPLETE) == {}
    assert submission_errors(example_spec(), unknown) == {
        "scores.charisma": ("unknown criterion 'charisma'", "critère inconnu 'charisma'")
    }


def test_draft_errors_allow_missing_fields_but_not_wrong_ones() -> None:
    partial = ReviewForm(scores={"need_alignment": "NA", "budget_value": ""}, comments={"need_alignment": ""})
    wrong = ReviewForm(scores={"need_alignment": "6"}, comments={}, recommendation="maybe")

    assert draft_errors(example_spec(), partial) == {}
    assert sorted(draft_errors(example_spec(), wrong)) == ["recommendation", "scores.need_alignment"]


def test_form_of_a_stored_review_shows_not_applicable_as_na() -> None:
    form = form_of({"need_alignment": 4, "budget_value": None}, {"need_alignment": "Good."}, "fund")

    assert form == ReviewForm({"need_alignment": "4", "budget_value": "na"}, {"need_alignment": "Good."}, "fund")


# --- drafts -----------------------------------------------------------------------------------


def test_save_draft_keeps_a_partial_review_and_replaces_it_next_time(engine: Engine, reviewers: dict[str, int]) -> None:
    first = ReviewForm(scores={"need_alignment": "4"}, comments={"need_alignment": " Strong need. "})
    second = ReviewForm(scores={"budget_value": "na"}, comments={}, recommendation="decline")

    with unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"], form=first, now=BEFORE_DEADLINE)
    with unit_of_work(engine) as session:
        saved = find_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"])
        assert saved is not None
        kept = (saved.scores, saved.comments, saved.recommendation, saved.updated_at)
    later = BEFORE_DEADLINE + dt.timedelta(hours=1)
    with unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"], form=second, now=later)
        listed = reviewer_assignments(session, reviewer_id=reviewers["reviewer1"])
        replaced = find_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"])
        assert replaced is not None

    assert kept == ({"need_alignment": 4}, {"need_alignment": "Strong need."}, "", BEFORE_DEADLINE)
    assert (replaced.scores, replaced.comments, replaced.recommendation) == ({"budget_value": None}, {}, "decline")
    assert [(a.review, a.submitted_at, a.draft_saved_at) for a in listed] == [("draft", None, later)]
    assert _counts(engine) == (0, 1)


def test_save_draft_refuses_wrong_fields_all_named(engine: Engine, reviewers: dict[str, int]) -> None:
    wrong = ReviewForm(scores={"need_alignment": "9", "survivor_centred": "-1"}, comments={})

    with pytest.raises(ReviewRefused) as refused, unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"], form=wrong, now=BEFORE_DEADLINE)

    assert refused.value.errors == {"scores.need_alignment": SCORE_RULE, "scores.survivor_centred": SCORE_RULE}
    assert (refused.value.field, refused.value.en) == ("scores.need_alignment", SCORE_RULE[0])
    assert _counts(engine) == (0, 0)


def test_save_draft_refuses_after_the_deadline(engine: Engine, reviewers: dict[str, int]) -> None:
    with pytest.raises(ReviewLocked) as locked, unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"], form=COMPLETE, now=AFTER_DEADLINE)

    assert locked.value.en == "the review deadline (May 15, 2026 at 5:00 p.m.) has passed; reviews are locked"
    assert _counts(engine) == (0, 0)


@pytest.mark.parametrize("who", ["reviewer2", "reviewer3"])  # conflicted, never assigned
def test_save_draft_refuses_a_reviewer_not_assigned(engine: Engine, reviewers: dict[str, int], who: str) -> None:
    with pytest.raises(NotAssigned), unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers[who], form=COMPLETE, now=BEFORE_DEADLINE)
    with pytest.raises(NotAssigned), unit_of_work(engine) as session:
        find_draft(session, reference=REF, reviewer_id=reviewers[who])

    assert _counts(engine) == (0, 0)


# --- submitting -------------------------------------------------------------------------------


def test_submit_review_records_it_and_removes_the_draft(engine: Engine, reviewers: dict[str, int]) -> None:
    reviewer_id = reviewers["reviewer1"]
    with unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewer_id, form=COMPLETE, now=BEFORE_DEADLINE)

    with unit_of_work(engine) as session:
        _, change = submit_review(
            session, reference=REF, reviewer_id=reviewer_id, form=COMPLETE, actor="reviewer", now=BEFORE_DEADLINE
        )
    with unit_of_work(engine) as session:
        review = session.exec(select(Review)).one()
        listed = reviewer_assignments(session, reviewer_id=reviewer_id)

    assert change == "created"
    assert review.scores == {**dict.fromkeys(CRITERIA, 3), "budget_value": None}
    assert review.comments == dict.fromkeys(CRITERIA, "Clear and well argued.")
    assert _counts(engine) == (1, 0)
    assert [(a.review, a.submitted_at, a.draft_saved_at) for a in listed] == [("submitted", BEFORE_DEADLINE, None)]


def test_submit_review_refuses_an_incomplete_form_and_keeps_the_draft(
    engine: Engine, reviewers: dict[str, int]
) -> None:
    partial = ReviewForm(scores={"need_alignment": "4"}, comments={"need_alignment": "Good."}, recommendation="fund")
    with unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewers["reviewer1"], form=partial, now=BEFORE_DEADLINE)

    with pytest.raises(ReviewRefused) as refused, unit_of_work(engine) as session:
        submit_review(
            session, reference=REF, reviewer_id=reviewers["reviewer1"], form=partial, actor="r", now=BEFORE_DEADLINE
        )

    assert sorted(refused.value.errors) == sorted(
        [f"scores.{c}" for c in CRITERIA[1:]] + [f"comments.{c}" for c in CRITERIA[1:]]
    )
    assert _counts(engine) == (0, 1)


def test_a_draft_after_a_submission_leaves_the_review_until_submitted_again(
    engine: Engine, reviewers: dict[str, int]
) -> None:
    reviewer_id = reviewers["reviewer1"]
    with unit_of_work(engine) as session:
        submit_review(session, reference=REF, reviewer_id=reviewer_id, form=COMPLETE, actor="r", now=BEFORE_DEADLINE)
    later = BEFORE_DEADLINE + dt.timedelta(days=1)
    with unit_of_work(engine) as session:
        save_draft(
            session, reference=REF, reviewer_id=reviewer_id, form=ReviewForm({"need_alignment": "5"}, {}), now=later
        )
        listed = reviewer_assignments(session, reviewer_id=reviewer_id)
        review = session.exec(select(Review)).one()

    assert [(a.review, a.draft_saved_at) for a in listed] == [("submitted", later)]
    assert review.scores["need_alignment"] == 3
    assert _counts(engine) == (1, 1)


def test_a_review_sent_another_way_also_removes_the_draft(engine: Engine, reviewers: dict[str, int]) -> None:
    reviewer_id = reviewers["reviewer1"]
    with unit_of_work(engine) as session:
        save_draft(session, reference=REF, reviewer_id=reviewer_id, form=COMPLETE, now=BEFORE_DEADLINE)

    with unit_of_work(engine) as session:  # as the API and the bulk import do
        record_review(
            session,
            reference=REF,
            reviewer_id=reviewer_id,
            submission=ReviewSubmission(dict.fromkeys(CRITERIA, 2), dict.fromkeys(CRITERIA, "Thin."), "decline"),
            actor="r",
            now=BEFORE_DEADLINE,
        )

    assert _counts(engine) == (1, 0)
