"""The reviewer's pages: the assigned proposals, each with its rubric form, and conflict declarations.

Signed in with a reviewer token. A proposal not assigned to the reviewer, or one a
conflict forbids, is a 404 page like any unknown address (the services raise NotAssigned).
A draft is the reviewer's own working copy; a review is submitted only when every field is
right, and the page shows every error beside its field at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.routes.common import start_stage
from grants.calls import call_spec
from grants.conflicts import DECLARED, ConflictRow, store_declared
from grants.db import read_only, unit_of_work
from grants.errors import CallLocked, InvalidInput, Lang
from grants.i18n import format_date, format_datetime
from grants.models import Call, ReviewDraft, TokenRole, utcnow
from grants.portal import (
    AssignmentInfo,
    ProposalView,
    assigned_application_id,
    proposal_for_reviewer,
    reviewer_assignments,
    reviewer_call,
)
from grants.review_drafts import FieldErrors, ReviewForm, ReviewRefused, find_draft, form_of, save_draft, submit_review
from grants.reviews import COMMENT_LIMIT
from grants.web_sessions import SignedIn
from web.pages import TEXT, pick_lang, redirect, render, session_lang, text
from web.security import checked_form, field, signed_in_as

router = APIRouter(prefix="/reviewer", include_in_schema=False)
Reference = Annotated[str, Path(max_length=40)]
LIST_DONE = {"conflict": "rv_done_conflict", "submitted": "rv_done_submitted"}
PROPOSAL_DONE = {"draft": "rv_done_draft", "submitted": "rv_done_submitted"}
REASON_LIMIT = 2000  # as the API's ConflictIn
FORM_ERROR = "form"  # errors about the whole review (the deadline), not one field


def _reviewer_id(signed_in: SignedIn) -> int:
    return signed_in.principal.reviewer_id or 0


def _actor(signed_in: SignedIn) -> str:
    return f"reviewer:{signed_in.principal.name}"


def _when(moment: dt.datetime, call: Call, lang: Lang) -> str:
    return format_datetime(moment, lang, ZoneInfo(call.timezone))


def _proposal_url(reference: str, done: str = "") -> str:
    url = f"/reviewer/proposals/{quote(reference.strip().upper(), safe='')}"
    return f"{url}?done={done}" if done else url


# --- the list of assignments --------------------------------------------------------------


def _progress(info: AssignmentInfo, call: Call, lang: Lang) -> list[str]:
    """The assignment's progress in words: never by colour alone."""
    parts = []
    if info.submitted_at is not None:
        parts.append(text(lang, "rv_state_submitted").format(date=_when(info.submitted_at, call, lang)))
        if info.draft_saved_at is not None:
            parts.append(text(lang, "rv_state_draft_after").format(date=_when(info.draft_saved_at, call, lang)))
    elif info.draft_saved_at is not None:
        parts.append(text(lang, "rv_state_draft").format(date=_when(info.draft_saved_at, call, lang)))
    else:
        parts.append(text(lang, "rv_state_todo"))
    return parts


@router.get("", response_class=HTMLResponse)
def assignments_page(request: Request) -> Response:
    signed_in = signed_in_as(request, TokenRole.reviewer)
    lang = session_lang(request, signed_in)
    with read_only() as session:
        assignments = reviewer_assignments(session, reviewer_id=_reviewer_id(signed_in), lang=lang)
        call = reviewer_call(session, _reviewer_id(signed_in))
    done = LIST_DONE.get(request.query_params.get("done", ""))
    return render(
        request,
        "reviewer_assignments.html",
        lang=lang,
        title_key="rv_list_title",
        signed_in=signed_in,
        context={
            "rows": [(a, _progress(a, call, lang)) for a in assignments],
            "submitted": sum(a.review == "submitted" for a in assignments),
            "deadline": _when(call.review_deadline, call, lang),
            "locked": utcnow() > call.review_deadline,
            "notice": text(lang, done) if done else None,
        },
    )


# --- one proposal and its review form -----------------------------------------------------


@dataclass(frozen=True)
class _Shown:
    """What the proposal page reads: the proposal, the reviewer's draft, the call."""

    view: ProposalView
    draft: ReviewDraft | None
    call: Call


def _load(signed_in: SignedIn, reference: str, lang: Lang) -> _Shown:
    reviewer_id = _reviewer_id(signed_in)
    with read_only() as session:
        view = proposal_for_reviewer(session, reviewer_id=reviewer_id, reference=reference, lang=lang)
        draft = find_draft(session, reference=reference, reviewer_id=reviewer_id)
        call = reviewer_call(session, reviewer_id)
    return _Shown(view, draft, call)


def _weights(view: ProposalView) -> dict[str, str]:
    """Each criterion's share of the total weight, in percent."""
    total = sum(c.weight for c in view.rubric) or 1.0
    return {c.code: f"{round(100 * c.weight / total, 1):g}" for c in view.rubric}


def _score_text(score: Any, lang: Lang) -> str:
    if score is None:
        return text(lang, "rv_na_short")
    return str(score) if isinstance(score, int) else "—"


def _error_links(shown: _Shown, errors: dict[str, str], lang: Lang) -> list[tuple[str, str, str]]:
    """The errors in the form's order, each linked to its field: (href, field's name, message)."""
    links = []
    for c in shown.view.rubric:
        for name, href, part in (
            (f"scores.{c.code}", f"#score-{c.code}-0", "rv_score_group"),
            (f"comments.{c.code}", f"#comment-{c.code}", "rv_comment"),
        ):
            if name in errors:
                links.append((href, f"{c.name} — {text(lang, part)}", errors[name]))
    if "recommendation" in errors and shown.view.recommendations:
        first = shown.view.recommendations[0][0]
        links.append((f"#recommendation-{first}", text(lang, "rv_recommendation"), errors["recommendation"]))
    shown_names = {f"{kind}.{c.code}" for c in shown.view.rubric for kind in ("scores", "comments")}
    shown_names |= {"recommendation", FORM_ERROR}
    links.extend(("", name, message) for name, message in errors.items() if name not in shown_names)
    return links


def _proposal_page(
    request: Request,
    signed_in: SignedIn,
    lang: Lang,
    shown: _Shown,
    *,
    typed: ReviewForm | None = None,
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    view, draft, call = shown.view, shown.draft, shown.call
    own = view.own_review
    if typed is not None:
        values = typed
    elif draft is not None:
        values = form_of(draft.scores, draft.comments, draft.recommendation)
    elif own is not None:
        values = form_of(own["scores"], own["comments"], own["recommendation"])
    else:
        values = ReviewForm(scores={}, comments={})
    messages = {name: (fr if lang == "fr" else en) for name, (en, fr) in (errors or {}).items()}
    spec = call_spec(call)
    regions = {r.code: r.name_fr if lang == "fr" else r.name_en for r in spec.regions}
    weights = _weights(view)
    descriptors = dict(view.scale)
    scale = [(str(s), f"{s} — {descriptors[s]}" if descriptors.get(s) else str(s)) for s in range(6)]
    scale.append(("na", text(lang, "rv_not_applicable")))
    locked = utcnow() > call.review_deadline
    status: list[str] = []  # where the review stands, first in bold
    if own is not None:
        changed = dt.datetime.fromisoformat(own["updated_at"])
        key = "rv_status_submitted_locked" if locked else "rv_status_submitted"
        status.append(text(lang, key).format(date=_when(changed, call, lang)))
        if draft is not None:
            status.append(text(lang, "rv_status_draft_after").format(date=_when(draft.updated_at, call, lang)))
    elif draft is not None:
        status.append(text(lang, "rv_status_draft").format(date=_when(draft.updated_at, call, lang)))
    recommendation_names = dict(view.recommendations)
    score_rows = []
    if own is not None:
        rows = [(text(lang, "rv_you"), own["scores"], own["recommendation"])]
        rows += [(p.reviewer, p.scores, p.recommendation) for p in view.peer_reviews]
        score_rows = [
            (
                who,
                [_score_text(scores.get(c.code, ""), lang) for c in view.rubric],
                recommendation_names.get(rec, rec).capitalize(),
            )
            for who, scores, rec in rows
        ]
    org_type_key = f"rv_org_{view.organization_type}"
    done = PROPOSAL_DONE.get(request.query_params.get("done", ""))
    return render(
        request,
        "reviewer_proposal.html",
        lang=lang,
        title_key="rv_facts",
        signed_in=signed_in,
        status_code=status_code,
        context={
            "title": f"{view.reference} — {view.title}",
            "path": _proposal_url(view.reference),  # the language link leads to the page, not to the form's address
            "view": view,
            "org_type": text(lang, org_type_key) if org_type_key in TEXT else view.organization_type,
            "region": regions.get(view.region, view.region),
            "regions_served": [regions.get(code, code) for code in view.regions_served],
            "start_date": format_date(view.start_date, lang),
            "deadline": _when(call.review_deadline, call, lang),
            "locked": locked,
            "status": status,
            "criteria": [
                {
                    "code": c.code,
                    "name": c.name,
                    "description": c.description,
                    "weight": text(lang, "rv_weight").format(weight=weights[c.code]),
                    "score": str(values.scores.get(c.code, "")).strip().lower(),
                    "comment": values.comments.get(c.code, ""),
                }
                for c in view.rubric
            ],
            "scale": scale,
            "recommendations": [(code, name.capitalize()) for code, name in view.recommendations],
            "chosen": values.recommendation,
            "comment_limit": COMMENT_LIMIT,
            "errors": messages,
            "error_links": _error_links(shown, messages, lang),
            "form_error": FORM_ERROR,
            "score_rows": score_rows,
            "notice": text(lang, done) if done and not errors else None,
        },
    )


@router.get("/proposals/{reference}", response_class=HTMLResponse)
def proposal_page(request: Request, reference: Reference) -> Response:
    signed_in = signed_in_as(request, TokenRole.reviewer)
    lang = session_lang(request, signed_in)
    return _proposal_page(request, signed_in, lang, _load(signed_in, reference, lang))


def _typed(form: FormData) -> ReviewForm:
    """The review fields of a posted form, as typed (unknown criteria are the service's to refuse)."""

    def under(prefix: str, limit: int) -> dict[str, str]:
        names = [name for name in form if name.startswith(prefix) and len(name) <= len(prefix) + 32]
        return {name.removeprefix(prefix): field(form, name, limit) for name in names}

    # A comment may be longer than the limit with its line breaks; the service measures it on one line.
    return ReviewForm(
        scores=under("scores.", 8),
        comments=under("comments.", 2 * COMMENT_LIMIT),
        recommendation=field(form, "recommendation", 16),
    )


@router.post("/proposals/{reference}/review", response_class=HTMLResponse)
async def review(request: Request, reference: Reference) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.reviewer)
    form = await checked_form(request, signed_in)
    lang = pick_lang(request, signed_in)
    # Enter in the form presses its first button, "Save draft": submitting takes the explicit button.
    submitting = field(form, "action", 16) == "submit"
    typed = _typed(form)
    reviewer_id = _reviewer_id(signed_in)

    def work() -> FieldErrors | None:
        try:
            with unit_of_work() as session:
                if submitting:
                    submit_review(
                        session, reference=reference, reviewer_id=reviewer_id, form=typed, actor=_actor(signed_in)
                    )
                else:
                    save_draft(session, reference=reference, reviewer_id=reviewer_id, form=typed)
        except ReviewRefused as refused:
            return refused.errors
        except CallLocked as locked:
            return {FORM_ERROR: (locked.en, locked.fr)}
        except InvalidInput as invalid:
            return {invalid.field or FORM_ERROR: (invalid.en, invalid.fr)}
        return None  # NotAssigned goes on to the 404 page

    errors = await run_in_threadpool(work)
    if errors is None:
        return redirect(_proposal_url(reference, "submitted" if submitting else "draft"))
    shown = await run_in_threadpool(_load, signed_in, reference, lang)
    return _proposal_page(request, signed_in, lang, shown, typed=typed, errors=errors, status_code=422)


# --- conflicts of interest ----------------------------------------------------------------


def _conflict_page(
    request: Request,
    signed_in: SignedIn,
    lang: Lang,
    view: ProposalView,
    *,
    reason: str = "",
    error_key: str = "",
) -> Response:
    return render(
        request,
        "reviewer_conflict.html",
        lang=lang,
        title_key="rv_conflict_title",
        signed_in=signed_in,
        status_code=422 if error_key else 200,
        context={
            "view": view,
            "back": _proposal_url(view.reference),
            "reason": reason,
            "reason_limit": REASON_LIMIT,
            "errors": {"reason": text(lang, error_key)} if error_key else {},
        },
    )


def _proposal(signed_in: SignedIn, reference: str, lang: Lang) -> ProposalView:
    with read_only() as session:
        return proposal_for_reviewer(session, reviewer_id=_reviewer_id(signed_in), reference=reference, lang=lang)


@router.get("/proposals/{reference}/conflict", response_class=HTMLResponse)
def conflict_page(request: Request, reference: Reference) -> Response:
    signed_in = signed_in_as(request, TokenRole.reviewer)
    lang = session_lang(request, signed_in)
    return _conflict_page(request, signed_in, lang, _proposal(signed_in, reference, lang))


@router.post("/proposals/{reference}/conflict", response_class=HTMLResponse)
async def declare_conflict(request: Request, reference: Reference) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.reviewer)
    form = await checked_form(request, signed_in)
    lang = pick_lang(request, signed_in)
    typed = field(form, "reason")
    reason = " ".join(typed.split())
    error_key = "required" if not reason else ("rv_conflict_too_long" if len(reason) > REASON_LIMIT else "")
    if error_key:
        view = await run_in_threadpool(_proposal, signed_in, reference, lang)
        return _conflict_page(request, signed_in, lang, view, reason=typed, error_key=error_key)
    reviewer_id, actor = _reviewer_id(signed_in), _actor(signed_in)

    def work() -> str:
        """As the API's declare_conflict: the conflict is stored, then a new assignment is asked for."""
        with unit_of_work() as session:
            app_id = assigned_application_id(session, reviewer_id=reviewer_id, reference=reference)
            call = reviewer_call(session, reviewer_id)
            store_declared(
                session, call=call, rows=[ConflictRow(reviewer_id, app_id, DECLARED, reason, reason)], actor=actor
            )
            code = call.code
        start_stage(request, "assignment", {"call_code": code, "actor": actor}, requested_by=actor, call_code=code)
        return code

    await run_in_threadpool(work)
    return redirect("/reviewer?done=conflict")
