"""Review drafts: a reviewer's working copy of a review, and every error of a review at once.

A draft may hold any part of a review (no score yet, no comment yet) but nothing a review
could not hold: a score outside 0-5, an unknown recommendation, an over-long comment.
It is kept until the review deadline, like a review, and the review summary never reads
it. Submitting checks every field with ``check_submission``'s rules and messages, so a
page can show all of them beside their fields, then records the review like the API does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from grants.calls import call_spec
from grants.callspec import CallSpec
from grants.db import lock
from grants.errors import InvalidInput
from grants.models import Assignment, Review, ReviewDraft, utcnow
from grants.portal import assigned_application_id, open_assignment, reviewer_call
from grants.reviews import (
    NOT_APPLICABLE,
    SCORE_RULE,
    ReviewSubmission,
    check_open,
    record_review,
    submission_problems,
)

FieldErrors = dict[str, tuple[str, str]]  # a form field's name -> (English, French) message


@dataclass(frozen=True)
class ReviewForm:
    """A review as typed: per criterion a score ("" none yet, "0" to "5", "na") and a comment; a recommendation."""

    scores: Mapping[str, str]
    comments: Mapping[str, str]
    recommendation: str = ""


class ReviewRefused(InvalidInput):
    """A review or draft with errors; ``errors`` holds every field's message, the first is the message."""

    def __init__(self, errors: FieldErrors) -> None:
        name, (en, fr) = next(iter(errors.items()))
        super().__init__(en=en, fr=fr, field=name)
        self.errors = errors


def _read(form: ReviewForm) -> tuple[ReviewSubmission, FieldErrors]:
    """The form as a submission (blank scores left out), and the scores that are not scores at all."""
    scores: dict[str, int | None] = {}
    errors: FieldErrors = {}
    for code, raw in form.scores.items():
        value = raw.strip().lower()
        if not value:
            continue
        if value in NOT_APPLICABLE:
            scores[code] = None
        elif value.isascii() and value.isdigit() and len(value) <= 3:
            scores[code] = int(value)  # its range is the rules' business
        else:
            errors[f"scores.{code}"] = SCORE_RULE
    comments = {code: text.strip() for code, text in form.comments.items()}
    return ReviewSubmission(scores, comments, form.recommendation.strip()), errors


def _collect(spec: CallSpec, form: ReviewForm, *, partial: bool) -> tuple[ReviewSubmission, FieldErrors]:
    """The submission and its errors in the form's order (unknown fields first, as check_submission)."""
    submission, errors = _read(form)
    for problem in submission_problems(spec, submission, partial=partial):
        errors.setdefault(problem.field or "review", (problem.en, problem.fr))
    order = [f"{kind}.{c.code}" for c in spec.rubric for kind in ("scores", "comments")] + ["recommendation"]
    place = {name: i for i, name in enumerate(order)}
    return submission, dict(sorted(errors.items(), key=lambda item: place.get(item[0], -1)))


def submission_errors(spec: CallSpec, form: ReviewForm) -> FieldErrors:
    """Every field a submission of ``form`` is refused for (first message per field), with the review rules' words."""
    return _collect(spec, form, partial=False)[1]


def draft_errors(spec: CallSpec, form: ReviewForm) -> FieldErrors:
    """What a draft may not hold; missing scores, comments and recommendation are fine."""
    return _collect(spec, form, partial=True)[1]


def save_draft(
    session: Session, *, reference: str, reviewer_id: int, form: ReviewForm, now: dt.datetime | None = None
) -> ReviewDraft:
    """Keep the reviewer's working copy of their review, replacing the previous one, until the review deadline.

    Allowed after a submission too: the submitted review stays as it is until submitted again.
    """
    now = now or utcnow()
    assignment = open_assignment(session, reviewer_id=reviewer_id, reference=reference)
    call = reviewer_call(session, reviewer_id)
    spec = call_spec(call)
    submission, errors = _collect(spec, form, partial=True)
    if errors:
        raise ReviewRefused(errors)
    codes = {c.code for c in spec.rubric}
    lock(session, Assignment, assignment.id or 0)  # one draft per assignment, even when saved twice at once
    check_open(call, now)
    draft = session.exec(select(ReviewDraft).where(ReviewDraft.assignment_id == assignment.id)).first()
    draft = draft or ReviewDraft(assignment_id=assignment.id or 0)
    draft.scores = dict(submission.scores)
    draft.comments = {code: text for code, text in submission.comments.items() if text and code in codes}
    draft.recommendation = submission.recommendation
    draft.updated_at = now
    session.add(draft)
    session.flush()
    return draft


def find_draft(session: Session, *, reference: str, reviewer_id: int) -> ReviewDraft | None:
    """The reviewer's draft of an open assignment, if they saved one (NotAssigned otherwise)."""
    assignment = open_assignment(session, reviewer_id=reviewer_id, reference=reference)
    return session.exec(select(ReviewDraft).where(ReviewDraft.assignment_id == assignment.id)).first()


def submit_review(
    session: Session,
    *,
    reference: str,
    reviewer_id: int,
    form: ReviewForm,
    actor: str,
    now: dt.datetime | None = None,
) -> tuple[Review, str]:
    """Check every field (ReviewRefused names them all), then record the review as the API does; the draft goes."""
    assigned_application_id(session, reviewer_id=reviewer_id, reference=reference)
    submission, errors = _collect(call_spec(reviewer_call(session, reviewer_id)), form, partial=False)
    if errors:
        raise ReviewRefused(errors)
    # record_review checks the submission again and deletes the draft in the same unit of work.
    return record_review(
        session, reference=reference, reviewer_id=reviewer_id, submission=submission, actor=actor, now=now
    )


def form_of(scores: Mapping[str, int | None], comments: Mapping[str, object], recommendation: str) -> ReviewForm:
    """A stored draft or review as the form that shows it ("na" for not applicable)."""
    return ReviewForm(
        scores={code: "na" if score is None else str(score) for code, score in scores.items()},
        comments={code: str(text) for code, text in comments.items()},
        recommendation=recommendation,
    )
