"""Reviews: recording a reviewer's scores on the call's rubric, in bulk or one at a time.

Only a reviewer assigned to the application, and not conflicted with it, may review
it; every criterion gets a whole score from 0 to 5 (or "not applicable") and a
comment; reviews can change until the call's review deadline, then they are locked.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import call_spec, get_call
from grants.callspec import CallSpec
from grants.db import in_chunks, lock, table
from grants.errors import CallLocked, DomainError, InvalidInput
from grants.i18n import format_datetime
from grants.models import Application, Assignment, Call, Conflict, Review, ReviewDraft, Reviewer, utcnow
from grants.tabular import RowCheck, RowError, read_table, records, require_columns, write_error_report

NOT_APPLICABLE = frozenset({"na", "n/a", "so", "s.o.", "s/o", "not applicable", "sans objet"})
COMMENT_LIMIT = 4000
RECOMMENDATIONS: dict[str, tuple[str, str]] = {
    "fund": ("financer", "fund"),
    "consider": ("à financer si les fonds le permettent", "fund if money allows"),
    "decline": ("ne pas financer", "do not fund"),
}


class NotAssigned(DomainError):
    code = "not_assigned"


class ReviewLocked(CallLocked):
    code = "review_locked"


@dataclass(frozen=True)
class ReviewSubmission:
    """A reviewer's scores (``None`` = not applicable), comments and recommendation."""

    scores: Mapping[str, int | None]
    comments: Mapping[str, str]
    recommendation: str


SCORE_RULE = (
    "a score is a whole number from 0 to 5, or not applicable",
    "une note est un nombre entier de 0 à 5, ou « sans objet »",
)


def submission_problems(spec: CallSpec, submission: ReviewSubmission, *, partial: bool = False) -> list[InvalidInput]:
    """Every reason to refuse ``submission``, in the form's order; ``partial`` lets fields be missing (a draft)."""
    codes = [c.code for c in spec.rubric]
    problems = [
        InvalidInput(en=f"unknown criterion {code!r}", fr=f"critère inconnu {code!r}", field=f"scores.{code}")
        for code in sorted(set(submission.scores) - set(codes))
    ]
    for code in codes:
        if code not in submission.scores:
            if not partial:
                problems.append(
                    InvalidInput(en="a score is required", fr="une note est obligatoire", field=f"scores.{code}")
                )
        elif not _valid_score(submission.scores[code]):
            problems.append(InvalidInput(en=SCORE_RULE[0], fr=SCORE_RULE[1], field=f"scores.{code}"))
        comment = _one_line(submission.comments.get(code, ""))
        if not comment and not partial:
            problems.append(
                InvalidInput(en="a comment is required", fr="un commentaire est obligatoire", field=f"comments.{code}")
            )
        if len(comment) > COMMENT_LIMIT:
            problems.append(
                InvalidInput(
                    en=f"longer than {COMMENT_LIMIT} characters",
                    fr=f"dépasse {COMMENT_LIMIT} caractères",
                    field=f"comments.{code}",
                )
            )
    if not submission.recommendation:
        if not partial:
            problems.append(
                InvalidInput(
                    en="a recommendation is required", fr="une recommandation est obligatoire", field="recommendation"
                )
            )
    elif submission.recommendation not in RECOMMENDATIONS:
        shown = ", ".join(RECOMMENDATIONS)
        problems.append(
            InvalidInput(
                en=f"unknown recommendation; expected one of: {shown}",
                fr=f"recommandation inconnue; valeurs permises : {shown}",
                field="recommendation",
            )
        )
    return problems


def check_submission(spec: CallSpec, submission: ReviewSubmission) -> ReviewSubmission:
    """Refuse an incomplete or out-of-range review, naming the field; returns it cleaned."""
    problems = submission_problems(spec, submission)
    if problems:
        raise problems[0]
    codes = [c.code for c in spec.rubric]
    scores = {code: submission.scores[code] for code in codes}
    comments = {code: _one_line(submission.comments.get(code, "")) for code in codes}
    return ReviewSubmission(scores=scores, comments=comments, recommendation=submission.recommendation)


def _valid_score(score: object) -> bool:
    return score is None or (isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 5)


def _one_line(comment: object) -> str:
    return " ".join(str(comment).split())


def _assignment_for(session: Session, *, application: Application, reviewer: Reviewer) -> Assignment:
    assignment = session.exec(
        select(Assignment).where(Assignment.application_id == application.id, Assignment.reviewer_id == reviewer.id)
    ).first()
    conflicted = session.exec(
        select(Conflict.id).where(Conflict.application_id == application.id, Conflict.reviewer_id == reviewer.id)
    ).first()
    if assignment is None or assignment.status != "active" or conflicted is not None:
        raise NotAssigned(
            en=f"{application.reference} is not assigned to this reviewer, or the reviewer has a conflict with it",
            fr=f"{application.reference} n'est pas confiée à cet évaluateur, ou l'évaluateur est en conflit "
            "d'intérêts avec elle",
        )
    return assignment


def check_open(call: Call, now: dt.datetime) -> None:
    """Refuse any change to a review (or its draft) once the call's review deadline has passed."""
    if now > call.review_deadline:
        raise ReviewLocked(
            en=f"the review deadline ({format_datetime(call.review_deadline, 'en')}) has passed; reviews are locked",
            fr=f"la date limite d'évaluation ({format_datetime(call.review_deadline, 'fr')}) est passée; "
            "les évaluations sont verrouillées",
        )


def record_review(
    session: Session,
    *,
    reference: str,
    reviewer_id: int,
    submission: ReviewSubmission,
    actor: str,
    now: dt.datetime | None = None,
) -> tuple[Review, str]:
    """Create or update a review; returns it with ``created``, ``updated`` or ``unchanged``."""
    now = now or utcnow()
    application = get_application(session, reference)
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.call_id != application.call_id:
        raise NotAssigned(
            en=f"{application.reference} is not assigned to this reviewer",
            fr=f"{application.reference} n'est pas confiée à cet évaluateur",
        )
    call = session.get(Call, application.call_id)
    assert call is not None
    cleaned = check_submission(call_spec(call), submission)
    assignment = _assignment_for(session, application=application, reviewer=reviewer)
    lock(session, Assignment, assignment.id or 0)  # the same review sent twice at once: stored once
    check_open(call, now)
    # The submitted review supersedes the reviewer's working copy, whichever way it was sent.
    session.execute(delete(ReviewDraft).where(col(ReviewDraft.assignment_id) == assignment.id))
    review = session.exec(select(Review).where(Review.assignment_id == assignment.id)).first()
    content = {"scores": dict(cleaned.scores), "comments": dict(cleaned.comments), "rec": cleaned.recommendation}
    if (
        review is not None
        and {"scores": review.scores, "comments": review.comments, "rec": review.recommendation} == content
    ):
        return review, "unchanged"
    change = "created" if review is None else "updated"
    review = review or Review(assignment_id=assignment.id or 0, submitted_at=now)
    review.scores = dict(cleaned.scores)
    review.comments = dict(cleaned.comments)
    review.recommendation = cleaned.recommendation
    review.weighted_total = None  # computed again by the review summary
    review.updated_at = now
    session.add(review)
    session.flush()
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action=f"review.{'submitted' if change == 'created' else 'updated'}",
                entity="review",
                entity_id=review.id,
                call_id=call.id,
                data={"application_id": application.id, "reviewer_id": reviewer.id, "scores": dict(cleaned.scores)},
            )
        ],
        at=now,
    )
    return review, change


# --- bulk import ------------------------------------------------------------------------


def review_columns(spec: CallSpec) -> tuple[str, ...]:
    """The review file's columns: who and what, then a score and a comment per criterion."""
    per_criterion = [name for c in spec.rubric for name in (c.code, f"{c.code}_comment")]
    return ("reference", "reviewer_email", *per_criterion, "recommendation")


@dataclass(frozen=True)
class ReviewRow:
    row: int
    reference: str
    reviewer_email: str
    submission: ReviewSubmission


@dataclass(frozen=True)
class ValidatedReviews:
    rows: list[ReviewRow]
    errors: list[RowError]
    total_rows: int


@dataclass
class StoredReviews:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RowError] = field(default_factory=list)


def read_review_file(path: Path, spec: CallSpec) -> ValidatedReviews:
    """Check a file of reviews against the call's rubric; bad rows are reported with their numbers."""
    frame = read_table(path)
    require_columns(frame, review_columns(spec), source=path.name)
    rows: list[ReviewRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    total = 0
    for line, cells in records(frame):
        total += 1
        check = RowCheck(line, cells)
        reference = check.text("reference", required=True).upper()
        email = check.email("reviewer_email").lower()
        scores: dict[str, int | None] = {}
        comments: dict[str, str] = {}
        for criterion in spec.rubric:
            raw = cells.get(criterion.code, "").strip()
            if raw.lower() in NOT_APPLICABLE:
                scores[criterion.code] = None
            elif raw.isdigit() and 0 <= int(raw) <= 5:
                scores[criterion.code] = int(raw)
            else:
                check.fail(
                    criterion.code,
                    "a score is a whole number from 0 to 5, or na (not applicable)",
                    "une note est un nombre entier de 0 à 5, ou so (sans objet)",
                )
            comments[criterion.code] = check.text(f"{criterion.code}_comment", required=True)
        recommendation = check.choice("recommendation", RECOMMENDATIONS)
        key = (reference, email)
        if reference and email and key in seen:
            check.fail(
                "reviewer_email",
                f"duplicate of row {seen[key]} (same application and reviewer)",
                f"doublon de la ligne {seen[key]} (même demande et même évaluateur)",
            )
        elif reference and email:
            seen[key] = line
        if check.errors:
            errors.extend(check.errors)
            continue
        rows.append(ReviewRow(line, reference, email, ReviewSubmission(scores, comments, recommendation)))
    return ValidatedReviews(rows=rows, errors=errors, total_rows=total)


def write_review_errors(path: Path, errors: Sequence[RowError], spec: CallSpec) -> Path:
    return write_error_report(path, errors, review_columns(spec))


def store_reviews(
    session: Session, *, call: Call, rows: Sequence[ReviewRow], actor: str, now: dt.datetime | None = None
) -> StoredReviews:
    """Record each row as its reviewer's review; a row the rules refuse is reported, never half-applied."""
    result = StoredReviews()
    reviewers = {r.email: r.id for r in session.exec(select(Reviewer).where(Reviewer.call_id == call.id))}
    for row in rows:
        reviewer_id = reviewers.get(row.reviewer_email)
        if reviewer_id is None:
            result.refused.append(
                RowError(row.row, "reviewer_email", row.reviewer_email,
                         "no reviewer of this call has this e-mail", "aucun évaluateur de cet appel n'a ce courriel")
            )  # fmt: skip
            continue
        try:
            with session.begin_nested():
                _, change = record_review(
                    session, reference=row.reference, reviewer_id=reviewer_id, submission=row.submission,
                    actor=actor, now=now,
                )  # fmt: skip
        except DomainError as exc:
            result.refused.append(RowError(row.row, exc.field or "reference", row.reference, exc.en, exc.fr))
            continue
        setattr(result, change, getattr(result, change) + 1)
    return result


# --- simulation ---------------------------------------------------------------------------


def simulate_reviews(
    session: Session, *, call_code: str, seed: int, actor: str, now: dt.datetime | None = None
) -> StoredReviews:
    """Plausible reviews for every active assignment without one, for demos and benchmarks.

    Each application has a hidden quality; each reviewer a leniency (some lenient, some
    harsh); a few reviews disagree sharply with the others. Comments are short and
    generic, in the application's language. Recorded like any review (audited).
    """
    call = get_call(session, call_code)
    spec = call_spec(call)
    rng = random.Random(seed)
    pending = session.exec(
        select(Assignment, Application)
        .join(Application, col(Application.id) == col(Assignment.application_id))
        .outerjoin(Review, col(Review.assignment_id) == col(Assignment.id))
        .where(Application.call_id == call.id, Assignment.status == "active", col(Review.id).is_(None))
        .order_by(col(Assignment.id))
    ).all()
    quality: dict[int, float] = {}
    leniency: dict[int, float] = {}
    moment = now or min(utcnow(), call.review_deadline)
    rows: list[dict[str, Any]] = []
    for assignment, application in pending:
        app_id, reviewer_id = application.id or 0, assignment.reviewer_id
        base = quality.setdefault(app_id, _seeded(seed, app_id).uniform(1.2, 4.6))
        offset = leniency.setdefault(reviewer_id, _seeded(seed, -reviewer_id).gauss(0, 0.5))
        outlier = rng.random() < 0.03
        scores: dict[str, int | None] = {}
        for criterion in spec.rubric:
            value = base + offset + rng.gauss(0, 0.45)
            if outlier:
                value = 5 - value
            scores[criterion.code] = None if rng.random() < 0.01 else int(min(5, max(0, round(value))))
        comments = {c.code: _comment(application.language, scores[c.code], rng) for c in spec.rubric}
        mean = sum(s for s in scores.values() if s is not None) / max(1, sum(s is not None for s in scores.values()))
        recommendation = "fund" if mean >= 3.5 else ("consider" if mean >= 2.5 else "decline")
        cleaned = check_submission(spec, ReviewSubmission(scores, comments, recommendation))
        rows.append(
            {"assignment_id": assignment.id, "scores": dict(cleaned.scores), "comments": dict(cleaned.comments),
             "recommendation": cleaned.recommendation, "weighted_total": None, "outlier": False,
             "submitted_at": moment, "updated_at": moment, "_application_id": app_id, "_reviewer_id": reviewer_id}
        )  # fmt: skip
    # One insert and one batch of audit events for the whole call (a review at a time took minutes at 10,000).
    reviews = table(Review)
    inserted: list[tuple[int, int]] = []
    for chunk in in_chunks(rows, 500):
        values = [{k: v for k, v in row.items() if not k.startswith("_")} for row in chunk]
        found = session.connection().execute(insert(reviews).returning(reviews.c.id, reviews.c.assignment_id), values)
        inserted.extend((review_id, assignment_id) for review_id, assignment_id in found)
    for ids in in_chunks([assignment_id for _, assignment_id in inserted]):
        session.execute(delete(ReviewDraft).where(col(ReviewDraft.assignment_id).in_(ids)))
    by_assignment = {row["assignment_id"]: row for row in rows}
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action="review.submitted",
                entity="review",
                entity_id=review_id,
                call_id=call.id,
                data={
                    "application_id": by_assignment[assignment_id]["_application_id"],
                    "reviewer_id": by_assignment[assignment_id]["_reviewer_id"],
                    "scores": by_assignment[assignment_id]["scores"],
                },
            )
            for review_id, assignment_id in inserted
        ],
        at=moment,
    )
    return StoredReviews(created=len(inserted))


def _seeded(seed: int, salt: int) -> random.Random:
    """A generator of its own per application or reviewer, so adding one changes no other."""
    return random.Random(seed * 1_000_003 + salt)


_COMMENTS = {
    "fr": {
        "high": ("Point fort de la proposition, bien démontré.", "Très solide; les partenaires sont engagés."),
        "mid": ("Satisfaisant, mais quelques précisions seraient utiles.", "Correct dans l'ensemble."),
        "low": ("Peu développé dans la proposition.", "Des éléments importants manquent."),
        "na": ("Ne s'applique pas à ce projet.",),
    },
    "en": {
        "high": ("A clear strength of the proposal, well evidenced.", "Very strong; partners are committed."),
        "mid": ("Satisfactory, though some details would help.", "Adequate overall."),
        "low": ("Thinly developed in the proposal.", "Important elements are missing."),
        "na": ("Does not apply to this project.",),
    },
}


def _comment(language: str, score: int | None, rng: random.Random) -> str:
    pool = _COMMENTS["fr" if language == "fr" else "en"]
    band = "na" if score is None else ("high" if score >= 4 else ("mid" if score >= 2 else "low"))
    return rng.choice(pool[band])
