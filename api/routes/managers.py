"""Fund managers: calls, stages started as flow runs, award rounds, conflicts, rankings, report.

Starting a stage answers 202 at once with the flow run's id; ``GET /runs/{id}`` follows it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from starlette.background import BackgroundTask

from api.auth import Manager
from api.routes.common import POLICY_LIMIT, LangQuery, RunStarted, chosen_lang, save_policy, save_upload, start_stage
from api.routes.public import CallCode
from grants.awards import Approval, DecisionView, get_round, round_decisions
from grants.awards import approve as approve_as
from grants.calls import get_call, save_call
from grants.callspec import parse_call_text
from grants.conflicts import ConflictView, list_conflicts
from grants.db import unit_of_work
from grants.models import AwardRound, Call, StageRun
from grants.scores import RankedRow, ranking
from grants.settings import get_settings
from grants.status import call_overview, pending_review_count
from workflows.report import gather, write_report

router = APIRouter(tags=["managers"])
RoundId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The award round's number.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    toml: str = Field(max_length=200_000, description="The call file, as in examples/csf-2026.toml.")


class CallOut(BaseModel):
    code: str
    title_fr: str
    title_en: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    review_deadline: dt.datetime
    change: str | None = None


def _call_out(call: Call, change: str | None = None) -> CallOut:
    return CallOut(
        code=call.code,
        title_fr=call.title_fr,
        title_en=call.title_en,
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        review_deadline=call.review_deadline,
        change=change,
    )


@router.post("/calls", status_code=201, response_model=CallOut, summary="Create a call from its TOML file")
def create_call(body: CallIn, principal: Manager) -> CallOut:
    spec = parse_call_text(body.toml, source="toml")
    with unit_of_work() as session:
        call, change = save_call(session, spec=spec, actor=principal.name)
        return _call_out(call, change)


@router.get("/calls", response_model=list[CallOut], summary="All calls")
def list_calls(principal: Manager) -> list[CallOut]:
    with unit_of_work() as session:
        return [_call_out(c) for c in session.exec(select(Call).order_by(col(Call.code))).all()]


class StageCountOut(BaseModel):
    stream: str
    status: str
    count: int


class Overview(BaseModel):
    call: CallOut
    counts: list[StageCountOut]
    pending_reviews: int


@router.get("/calls/{call_code}", response_model=Overview, summary="A call and its applications per stage")
def overview(call_code: CallCode, principal: Manager) -> Overview:
    with unit_of_work() as session:
        call = get_call(session, call_code)
        counts = [
            StageCountOut(stream=c.stream, status=str(c.status), count=c.count)
            for c in call_overview(session, call_code=call.code)
        ]
        return Overview(
            call=_call_out(call), counts=counts, pending_reviews=pending_review_count(session, call_code=call.code)
        )


def _known_call(call_code: str) -> str:
    with unit_of_work() as session:
        return get_call(session, call_code).code


Upload = Annotated[UploadFile, File(description="A CSV or XLSX file (see the README for its columns).")]


@router.post(
    "/calls/{call_code}/intake", status_code=202, response_model=RunStarted, summary="Take in a file of applications"
)
def start_intake(call_code: CallCode, file: Upload, principal: Manager, request: Request) -> RunStarted:
    code = _known_call(call_code)
    path = save_upload(file, "intake")
    return start_stage(
        request,
        "intake",
        {"call_code": code, "path": str(path), "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


@router.post("/calls/{call_code}/reviewers", status_code=202, response_model=RunStarted, summary="Import reviewers")
def start_reviewers(call_code: CallCode, file: Upload, principal: Manager, request: Request) -> RunStarted:
    code = _known_call(call_code)
    path = save_upload(file, "reviewers")
    return start_stage(
        request,
        "reviewers-import",
        {"call_code": code, "path": str(path), "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


@router.post("/calls/{call_code}/screening", status_code=202, response_model=RunStarted, summary="Screen eligibility")
def start_screening(call_code: CallCode, principal: Manager, request: Request) -> RunStarted:
    code = _known_call(call_code)
    return start_stage(
        request, "screening", {"call_code": code, "actor": principal.name}, requested_by=principal.name, call_code=code
    )


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["total", "fairness"] = "total"


@router.post("/calls/{call_code}/assignment", status_code=202, response_model=RunStarted, summary="Assign reviewers")
def start_assignment(
    call_code: CallCode, principal: Manager, request: Request, body: AssignmentIn | None = None
) -> RunStarted:
    code = _known_call(call_code)
    mode = body.mode if body else "total"
    return start_stage(
        request,
        "assignment",
        {"call_code": code, "mode": mode, "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


class SummaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["additive", "standardize"] = "additive"


@router.post(
    "/calls/{call_code}/review-summary", status_code=202, response_model=RunStarted, summary="Aggregate the reviews"
)
def start_summary(
    call_code: CallCode, principal: Manager, request: Request, body: SummaryIn | None = None
) -> RunStarted:
    code = _known_call(call_code)
    method = body.method if body else "additive"
    return start_stage(
        request,
        "review-summary",
        {"call_code": code, "method": method, "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["initial", "waitlist"] = "initial"
    dry_run: bool = False
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    method: Literal["rank_order", "optimal"] | None = None
    policy_toml: str | None = Field(
        default=None, max_length=POLICY_LIMIT, description="A policy that overrides the call's."
    )


@router.post(
    "/calls/{call_code}/award-rounds", status_code=202, response_model=RunStarted, summary="Run an award round"
)
def start_round(call_code: CallCode, principal: Manager, request: Request, body: RoundIn | None = None) -> RunStarted:
    code = _known_call(call_code)
    body = body or RoundIn()
    policy_file = None
    if body.policy_toml is not None:
        policy_file = save_policy(code, body.policy_toml, field="policy_toml", shown_as="policy_toml")
    parameters: dict[str, Any] = {
        "call_code": code,
        "policy_file": policy_file,
        "dry_run": body.dry_run,
        "seed": body.seed,
        "method": body.method,
        "kind": body.kind,
        "actor": principal.name,
    }
    return start_stage(request, "award-round", parameters, requested_by=principal.name, call_code=code)


class RoundOut(BaseModel):
    id: int
    call_code: str
    status: str
    kind: str
    method: str
    dry_run: bool
    seed: int | None
    run_by: str
    approved_by: str | None
    created_at: dt.datetime
    approved_at: dt.datetime | None
    report: dict[str, Any]


def _round_out(award_round: AwardRound, code: str) -> RoundOut:
    return RoundOut(
        id=award_round.id or 0,
        call_code=code,
        status=award_round.status,
        kind=award_round.kind,
        method=award_round.method,
        dry_run=award_round.dry_run,
        seed=award_round.seed,
        run_by=award_round.run_by,
        approved_by=award_round.approved_by,
        created_at=award_round.created_at,
        approved_at=award_round.approved_at,
        report=award_round.report,
    )


@router.get("/calls/{call_code}/award-rounds", response_model=list[RoundOut], summary="A call's award rounds")
def list_rounds(call_code: CallCode, principal: Manager) -> list[RoundOut]:
    with unit_of_work() as session:
        call = get_call(session, call_code)
        rounds = session.exec(
            select(AwardRound).where(AwardRound.call_id == call.id).order_by(col(AwardRound.id))
        ).all()
        return [_round_out(r, call.code) for r in rounds]


class RoundDetail(BaseModel):
    round: RoundOut
    decisions: list[DecisionView]


@router.get("/award-rounds/{round_id}", response_model=RoundDetail, summary="A round's decisions and their rationale")
def read_round(round_id: RoundId, principal: Manager) -> RoundDetail:
    with unit_of_work() as session:
        award_round = get_round(session, round_id)
        call = session.get(Call, award_round.call_id)
        assert call is not None
        return RoundDetail(
            round=_round_out(award_round, call.code), decisions=round_decisions(session, round_id=round_id)
        )


@router.post("/award-rounds/{round_id}/approve", response_model=Approval, summary="Approve a round (not by who ran it)")
def approve(round_id: RoundId, principal: Manager) -> Approval:
    return approve_as(round_id, manager=principal.name)


@router.post("/award-rounds/{round_id}/notices", status_code=202, response_model=RunStarted, summary="Decision letters")
def start_round_notices(round_id: RoundId, principal: Manager, request: Request) -> RunStarted:
    with unit_of_work() as session:
        award_round = get_round(session, round_id)
        call = session.get(Call, award_round.call_id)
        assert call is not None
        code = call.code
    return start_stage(
        request,
        "round-notices",
        {"round_id": round_id, "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


@router.post(
    "/calls/{call_code}/ineligible-notices", status_code=202, response_model=RunStarted, summary="Ineligibility letters"
)
def start_ineligible_notices(call_code: CallCode, principal: Manager, request: Request) -> RunStarted:
    code = _known_call(call_code)
    return start_stage(
        request,
        "ineligible-notices",
        {"call_code": code, "actor": principal.name},
        requested_by=principal.name,
        call_code=code,
    )


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    today: dt.date | None = Field(default=None, description="The day to check as (America/Toronto); today by default.")


@router.post(
    "/milestones/check", status_code=202, response_model=RunStarted, summary="Mark overdue reports, send reminders"
)
def start_milestone_check(principal: Manager, request: Request, body: CheckIn | None = None) -> RunStarted:
    today = body.today.isoformat() if body and body.today else None
    return start_stage(
        request,
        "milestone-check",
        {"today": today, "actor": principal.name},
        requested_by=principal.name,
        call_code=None,
    )


@router.get("/calls/{call_code}/conflicts", response_model=list[ConflictView], summary="Conflicts of interest")
def conflicts(call_code: CallCode, principal: Manager) -> list[ConflictView]:
    with unit_of_work() as session:
        return list_conflicts(session, call=get_call(session, call_code))


@router.get("/calls/{call_code}/ranking", response_model=list[RankedRow], summary="The ranking per stream")
def call_ranking(call_code: CallCode, principal: Manager) -> list[RankedRow]:
    with unit_of_work() as session:
        return ranking(session, call_code=get_call(session, call_code).code)


@router.get("/calls/{call_code}/decisions", response_model=list[DecisionView], summary="Decisions of approved rounds")
def decisions(call_code: CallCode, principal: Manager) -> list[DecisionView]:
    with unit_of_work() as session:
        call = get_call(session, call_code)
        approved = session.exec(
            select(AwardRound.id)
            .where(AwardRound.call_id == call.id, AwardRound.status == "approved", col(AwardRound.dry_run).is_(False))
            .order_by(col(AwardRound.id))
        ).all()
        latest: dict[str, DecisionView] = {}
        for round_id in approved:
            for view in round_decisions(session, round_id=round_id or 0):
                latest[view.reference] = view
        return sorted(latest.values(), key=lambda v: v.reference)


class RunOut(BaseModel):
    run_id: str
    stage: str
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str


@router.get("/calls/{call_code}/runs", response_model=list[RunOut], summary="Stage runs of a call, newest first")
def call_runs(call_code: CallCode, principal: Manager) -> list[RunOut]:
    with unit_of_work() as session:
        call = get_call(session, call_code)
        runs = session.exec(
            select(StageRun).where(StageRun.call_id == call.id).order_by(col(StageRun.id).desc()).limit(200)
        ).all()
        return [
            RunOut(
                run_id=r.flow_run_id,
                stage=r.stage,
                requested_by=r.requested_by,
                requested_at=r.requested_at,
                finished_at=r.finished_at,
                outcome=r.outcome,
            )
            for r in runs
        ]


@router.get(
    "/calls/{call_code}/report",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}, "description": "The managers' workbook."}},
    summary="Download the managers' report (XLSX)",
)
def report(call_code: CallCode, principal: Manager, request: Request, lang: LangQuery = None) -> FileResponse:
    chosen = chosen_lang(request, lang)
    data = gather.fn(_known_call(call_code))
    if isinstance(data, Exception):
        raise data
    folder = FilePath(tempfile.mkdtemp(prefix="report-", dir=get_settings().home.resolve()))
    files = write_report.fn(data, str(folder), chosen)
    workbook = FilePath(files.workbook)
    return FileResponse(
        workbook,
        media_type=XLSX,
        filename=workbook.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
