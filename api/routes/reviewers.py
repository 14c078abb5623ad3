"""A reviewer's assignments: read a proposal, score it until the deadline, declare a conflict.

A reviewer token reaches only the proposals assigned to it that no conflict forbids;
any other reference answers 404. Other reviewers' names are never shown, and their
scores only once this reviewer has submitted a review of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Reviewer
from api.routes.common import LangQuery, RunStarted, chosen_lang, start_stage
from grants.conflicts import DECLARED, ConflictRow, store_declared
from grants.db import unit_of_work
from grants.portal import (
    AssignmentInfo,
    ProposalView,
    assigned_application_id,
    proposal_for_reviewer,
    reviewer_assignments,
    reviewer_call,
)
from grants.reviews import COMMENT_LIMIT, ReviewSubmission, record_review

router = APIRouter(prefix="/reviewer", tags=["reviewers"])
Reference = Annotated[str, Path(max_length=40, description="The application's reference.")]


@router.get("/assignments", response_model=list[AssignmentInfo], summary="My assignments and their progress")
def assignments(principal: Reviewer, request: Request, lang: LangQuery = None) -> list[AssignmentInfo]:
    with unit_of_work() as session:
        return reviewer_assignments(session, reviewer_id=principal.reviewer_id or 0, lang=chosen_lang(request, lang))


@router.get("/assignments/{reference}", response_model=ProposalView, summary="An assigned proposal, with the rubric")
def proposal(reference: Reference, principal: Reviewer, request: Request, lang: LangQuery = None) -> ProposalView:
    with unit_of_work() as session:
        return proposal_for_reviewer(
            session, reviewer_id=principal.reviewer_id or 0, reference=reference, lang=chosen_lang(request, lang)
        )


class ReviewIn(BaseModel):
    """Scores 0-5 per criterion (null = not applicable), a comment per criterion, a recommendation."""

    model_config = ConfigDict(extra="forbid")

    scores: dict[Annotated[str, Field(max_length=32)], int | None] = Field(max_length=50)
    comments: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=COMMENT_LIMIT)]] = Field(
        max_length=50
    )
    recommendation: str = Field(max_length=16, description="fund, consider or decline.")


class ReviewOut(BaseModel):
    reference: str
    change: str  # created | updated | unchanged


@router.put("/assignments/{reference}/review", response_model=ReviewOut, summary="Submit or update my review")
def put_review(reference: Reference, body: ReviewIn, principal: Reviewer) -> ReviewOut:
    with unit_of_work() as session:
        assigned_application_id(session, reviewer_id=principal.reviewer_id or 0, reference=reference)
        _, change = record_review(
            session,
            reference=reference,
            reviewer_id=principal.reviewer_id or 0,
            submission=ReviewSubmission(scores=body.scores, comments=body.comments, recommendation=body.recommendation),
            actor=f"reviewer:{principal.name}",
        )
        return ReviewOut(reference=reference.strip().upper(), change=change)


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="Why you cannot review it impartially.")


class ConflictDeclared(BaseModel):
    reference: str
    replacement: RunStarted


@router.post(
    "/assignments/{reference}/conflict",
    status_code=202,
    response_model=ConflictDeclared,
    summary="Declare a conflict of interest; another reviewer replaces me",
)
def declare_conflict(reference: Reference, body: ConflictIn, principal: Reviewer, request: Request) -> ConflictDeclared:
    reviewer_id = principal.reviewer_id or 0
    reason = " ".join(body.reason.split())
    with unit_of_work() as session:
        app_id = assigned_application_id(session, reviewer_id=reviewer_id, reference=reference)
        call = reviewer_call(session, reviewer_id)
        store_declared(
            session,
            call=call,
            rows=[ConflictRow(reviewer_id, app_id, DECLARED, reason, reason)],
            actor=f"reviewer:{principal.name}",
        )
        code = call.code
    run = start_stage(
        request,
        "assignment",
        {"call_code": code, "actor": f"reviewer:{principal.name}"},
        requested_by=f"reviewer:{principal.name}",
        call_code=code,
    )
    return ConflictDeclared(reference=reference.strip().upper(), replacement=run)
