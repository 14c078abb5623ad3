"""The applicant's page: where the application stands, its decision, milestones and letters.

Signed in with the reference and access token of the receipt. The page is in the
applicant's language unless they pick the other one; reports and the agreement's
signature are forms on the same page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from grants.db import read_only, unit_of_work
from grants.errors import DomainError, Lang
from grants.milestones import NARRATIVE_LIMIT, OPEN, sign_agreement, submit_report
from grants.models import TokenRole
from grants.portal import ApplicantView, applicant_view, notice_file
from grants.web_sessions import SignedIn
from scoring.reporting import INDICATORS
from web.pages import asked_lang, redirect, render, text
from web.security import checked_form, field, signed_in_as

router = APIRouter(prefix="/applicant", include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DONE = {"signed": "done_signed", "report": "done_report"}


def _view(signed_in: SignedIn, lang: Lang | None) -> ApplicantView:
    with read_only() as session:
        return applicant_view(session, application_id=signed_in.principal.application_id or 0, lang=lang)


def _page(
    request: Request,
    signed_in: SignedIn,
    view: ApplicantView,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    lang = view.status.language
    done = DONE.get(request.query_params.get("done", ""))
    waiting = view.status_code == "active" and any(
        m.report_required and m.status in OPEN and m.report_status != "submitted" for m in view.milestones
    )
    indicators = [(code, names[1] if lang == "fr" else names[2]) for code, names in INDICATORS.items()]
    return render(
        request,
        "applicant.html",
        lang=lang,
        title_key="app_title",
        signed_in=signed_in,
        status_code=status_code,
        context={
            "view": view,
            "status": view.status,
            "notice": text(lang, done) if done else None,
            "can_sign": view.status_code == "funded",
            "report_open": waiting,
            "indicators": indicators,
            "narrative_limit": NARRATIVE_LIMIT,
            "errors": errors or {},
            "values": values or {},
        },
    )


@router.get("", response_class=HTMLResponse)
def status_page(request: Request) -> Response:
    signed_in = signed_in_as(request, TokenRole.applicant)
    return _page(request, signed_in, _view(signed_in, asked_lang(request, signed_in)))


@router.get("/notices/{notice_id}")
def download(request: Request, notice_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> FileResponse:
    signed_in = signed_in_as(request, TokenRole.applicant)
    with read_only() as session:
        path, name = notice_file(session, application_id=signed_in.principal.application_id or 0, notice_id=notice_id)
    return FileResponse(path, media_type=DOCX, filename=name, headers={"Cache-Control": "no-store"})


def _actor(signed_in: SignedIn) -> str:
    return f"applicant:{signed_in.principal.name}"


@router.post("/agreement", response_class=HTMLResponse)
async def sign(request: Request) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.applicant)
    form = await checked_form(request, signed_in)
    lang = signed_in.lang
    if field(form, "confirm") != "yes":
        view = await run_in_threadpool(_view, signed_in, lang)
        message = text(view.status.language, "agreement_confirm_needed")
        return _page(request, signed_in, view, errors={"confirm": message}, status_code=422)

    def work() -> None:
        with unit_of_work() as session:
            sign_agreement(session, reference=signed_in.principal.name, actor=_actor(signed_in))

    await run_in_threadpool(work)
    return redirect("/applicant?done=signed")


@router.post("/reports", response_class=HTMLResponse)
async def report(request: Request) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.applicant)
    form = await checked_form(request, signed_in)
    narrative = field(form, "narrative", NARRATIVE_LIMIT + 1)
    counts = {code: field(form, f"indicators.{code}", 20) for code in INDICATORS}
    indicators = {code: value for code, value in counts.items() if value != ""}
    values: dict[str, Any] = {"narrative": narrative, **{f"indicators.{c}": v for c, v in counts.items()}}

    def work() -> DomainError | None:
        try:
            with unit_of_work() as session:
                submit_report(
                    session,
                    reference=signed_in.principal.name,
                    narrative=narrative,
                    indicators=indicators,
                    known_indicators=INDICATORS,
                    actor=_actor(signed_in),
                )
        except DomainError as error:
            return error
        return None

    error = await run_in_threadpool(work)
    if error is None:
        return redirect("/applicant?done=report")
    view = await run_in_threadpool(_view, signed_in, signed_in.lang)
    name = error.field or "narrative"
    return _page(
        request, signed_in, view, errors={name: error.message(view.status.language)}, values=values, status_code=422
    )
