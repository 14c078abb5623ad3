"""An applicant's own application: status and history, decision, milestones, letters, reports.

An applicant token reaches only its own application; any other reference answers 404,
as if it did not exist. Managers may read every application.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from sqlmodel import Session

from api.auth import BEARER_SECURITY, Applicant, ApplicantOrManager, Manager, principal_for, token_from
from api.routes.common import chosen_lang
from api.status_answers import own_status_json
from grants.access import TOKEN_LIMIT, Principal
from grants.applications import get_application
from grants.db import get_engine, unit_of_work
from grants.errors import InvalidInput, Lang, NotFound
from grants.milestones import NARRATIVE_LIMIT, decide_report, sign_agreement, submit_report
from grants.models import Milestone, MilestoneReport, TokenRole
from grants.portal import ApplicantView, applicant_view, notice_file, own_application
from grants.tokens import hash_token
from scoring.reporting import INDICATORS

router = APIRouter(tags=["applicants"])
Reference = Annotated[str, Path(max_length=40, description="The application's reference, e.g. CSF-2026-00042.")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _application_id(session: Any, principal: Principal, reference: str) -> int:
    """The application a request may touch: a manager's any, an applicant's only its own."""
    if principal.role is TokenRole.manager:
        return get_application(session, reference).id or 0
    return own_application(
        own_reference=principal.name, application_id=principal.application_id or 0, reference=reference
    )


_VIEW_JSON = TypeAdapter(ApplicantView)


# The busiest route reads its two parameters itself (FastAPI's parameter machinery costs more than
# its database reads); they are declared here for the OpenAPI description.
_STATUS_PARAMETERS = [
    {"name": "reference", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40},
     "description": "The application's reference, e.g. CSF-2026-00042."},
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["fr", "en"]},
     "description": "Language of the answer: fr or en (default: the applicant's)."},
]  # fmt: skip


@router.get(
    "/applications/{reference}",
    response_model=ApplicantView,
    summary="An application's status and file",
    openapi_extra={**BEARER_SECURITY, "parameters": _STATUS_PARAMETERS},
)
async def read_application(request: Request) -> Response:
    # The token check and the reads share one bare connection (Core rows, no ORM session) and run on
    # the event loop (a few indexed reads cost less than a hop to a worker thread); the view is
    # serialized straight from its dataclass without re-validating its own output.
    reference = str(request.path_params["reference"])
    asked = request.query_params.get("lang")
    if len(reference) > 40:
        raise InvalidInput(en="at most 40 characters", fr="au plus 40 caractères", field="reference")
    if asked not in (None, "fr", "en"):
        raise InvalidInput(en="fr or en", fr="fr ou en", field="lang")
    lang: Lang | None = "fr" if asked == "fr" else ("en" if asked == "en" else None)
    token = token_from(request)
    engine = get_engine()
    if 0 < len(token) <= TOKEN_LIMIT:  # an applicant's token: checked and read with the application's head
        own = own_status_json(engine, token_hash=hash_token(token), reference=reference, lang=lang)
        if own is not None:
            return Response(own, media_type="application/json")
    with engine.connect() as connection:
        principal = principal_for(connection, token, (TokenRole.applicant, TokenRole.manager))
        if principal.role is TokenRole.manager:
            with Session(bind=connection) as session:
                app_id = _application_id(session, principal, reference)
        else:
            app_id = _application_id(None, principal, reference)
        chosen = chosen_lang(request, lang) if lang or principal.role is TokenRole.manager else None
        view = applicant_view(connection, application_id=app_id, lang=chosen)
    return Response(_VIEW_JSON.dump_json(view), media_type="application/json")


@router.get(
    "/applications/{reference}/notices/{notice_id}",
    response_class=FileResponse,
    responses={200: {"content": {DOCX: {}}, "description": "The letter as a Word document."}},
    summary="Download one of the application's letters (DOCX)",
)
def download_notice(
    reference: Reference, notice_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: ApplicantOrManager
) -> FileResponse:
    with unit_of_work() as session:
        app_id = _application_id(session, principal, reference)
        path, name = notice_file(session, application_id=app_id, notice_id=notice_id)
    return FileResponse(path, media_type=DOCX, filename=name)


class Signed(BaseModel):
    reference: str
    status: str


@router.post("/applications/{reference}/agreement", response_model=Signed, summary="Sign the funding agreement")
def sign(reference: Reference, principal: Applicant) -> Signed:
    with unit_of_work() as session:
        _application_id(session, principal, reference)
        app = sign_agreement(session, reference=reference, actor=f"applicant:{principal.name}")
        return Signed(reference=app.reference, status=str(app.status))


class ReportIn(BaseModel):
    """A milestone report: a narrative and aggregate counts only, never about an individual."""

    model_config = ConfigDict(extra="forbid")

    narrative: str = Field(max_length=NARRATIVE_LIMIT)
    indicators: dict[Annotated[str, Field(max_length=64)], Annotated[int, Field(ge=0, le=10_000_000)]] = Field(
        default_factory=dict, description="Counts by indicator code (see the README's list)."
    )


class ReportOut(BaseModel):
    report_id: int
    milestone_id: int
    status: str


@router.post(
    "/applications/{reference}/reports",
    status_code=201,
    response_model=ReportOut,
    summary="Submit the report for the next milestone that waits for one",
)
def submit(reference: Reference, body: ReportIn, principal: Applicant) -> ReportOut:
    with unit_of_work() as session:
        _application_id(session, principal, reference)
        report = submit_report(
            session,
            reference=reference,
            narrative=body.narrative,
            indicators=body.indicators,
            known_indicators=INDICATORS,
            actor=f"applicant:{principal.name}",
        )
        return ReportOut(report_id=report.id or 0, milestone_id=report.milestone_id, status=report.status)


class ReportDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    reason: str = Field(default="", max_length=2000, description="Required when the report is returned.")


@router.post(
    "/applications/{reference}/reports/{report_id}/decision",
    response_model=ReportOut,
    summary="Accept a report (its payment is released) or return it (managers)",
)
def decide(
    reference: Reference,
    report_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: ReportDecisionIn,
    principal: Manager,
) -> ReportOut:
    with unit_of_work() as session:
        app_id = _application_id(session, principal, reference)
        report = session.get(MilestoneReport, report_id)
        milestone = session.get(Milestone, report.milestone_id) if report is not None else None
        if milestone is None or milestone.application_id != app_id:
            raise NotFound(en=f"no report {report_id}", fr=f"aucun rapport {report_id}", field="report_id")
        decided = decide_report(
            session, report_id=report_id, accept=body.accept, reason=body.reason, manager=principal.name
        )
        return ReportOut(report_id=decided.id or 0, milestone_id=decided.milestone_id, status=decided.status)
