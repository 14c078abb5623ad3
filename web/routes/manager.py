"""The fund managers' pages: the calls, a call's dashboard, its stage runs, award rounds and milestone reports.

Every stage starts from a form on the dashboard and runs in the background (the launcher);
the browser goes to the run's page, which tells where the run stands each time it is loaded.
A round is approved from its page, by a manager other than the one who ran it: the button
is not offered to that manager, and the rule in ``approve_round`` refuses it anyway.
A milestone report waiting for a decision is accepted (its payment is released) or returned
with a reason from its page; ``decide_report`` is the rule, as in the JSON API.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any, cast

from fastapi import APIRouter, Path, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.errors import domain_status
from api.routes.common import POLICY_LIMIT, save_policy, save_upload, start_stage
from api.routes.public import CallCode
from grants.awards import approve as approve_round
from grants.awards import compare_rounds, inputs_fingerprint, round_decisions
from grants.calls import get_call, streams_by_code
from grants.conflicts import RULE_NAMES
from grants.dashboard import call_rounds, dashboard, list_calls, milestone_report, round_call
from grants.db import read_only, unit_of_work
from grants.errors import DomainError, InvalidInput, Lang, NotFound
from grants.i18n import format_date, format_datetime, format_money
from grants.lifecycle import STATUS_NAMES
from grants.milestones import decide_report
from grants.models import ApplicationStatus, Call, StageRun, TokenRole
from grants.settings import get_settings
from grants.stage_runs import get_run
from grants.web_sessions import SignedIn
from scoring.reporting import CHART_FILES, INDICATORS, ReportData, draw_chart, write_workbook
from web.pages import TEXT, pick_lang, redirect, render, session_lang, text
from web.security import checked_form, field, signed_in_as, upload
from workflows.report import gather

router = APIRouter(prefix="/manager", include_in_schema=False)
ROUND_ID_LIMIT = 2**31 - 1
RoundId = Annotated[int, Path(ge=1, le=ROUND_ID_LIMIT)]
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = {
    "started": "mg_done_started",
    "approved": "mg_done_approved",
    "report-accepted": "mg_done_report_accepted",
    "report-returned": "mg_done_report_returned",
}
REPORT_DECISIONS = {"accept": True, "return": False}  # a report form's ``decision`` -> decide_report's ``accept``
REASON_LIMIT = 2000  # as the JSON API allows
# The stages a dashboard form starts, and the prefix of its fields' ids (errors name those ids).
FORMS = {
    "intake": "intake",
    "reviewers-import": "reviewers",
    "screening": "screening",
    "assignment": "assignment",
    "review-summary": "summary",
    "award-round": "round",
    "ineligible-notices": "ineligible",
    "milestone-check": "check",
}
UPLOAD_FOLDERS = {"intake": "intake", "reviewers-import": "reviewers"}  # as the API keeps them
MODES = ("total", "fairness")
SUMMARY_METHODS = ("additive", "standardize")
ROUND_KINDS = ("initial", "waitlist")
ROUND_METHODS = ("", "rank_order", "optimal")  # "" leaves the method to the call's policy
SEED_LIMIT = 2**31 - 1
HIDDEN_RESULT = ("problem_en", "problem_fr", "error")  # told as the problem, not as figures
_log = logging.getLogger("grants.web")
# matplotlib's drawing is not thread-safe, and a dashboard asks for its charts all at once.
_DRAWING = threading.Lock()
CHART_TTL_S = 60.0  # the charts show aggregate figures: a minute old at most is fresh enough
_CHARTS: dict[tuple[str, str, str, str], tuple[float, bytes]] = {}  # (database, call, chart, lang) -> (when, PNG)


def _lang_query(request: Request) -> str:
    asked = request.query_params.get("lang")
    return f"?lang={asked}" if asked in ("fr", "en") else ""


def _word(lang: Lang, key: str, fallback: str) -> str:
    """The page text ``key``, or ``fallback`` for a value no text names (a stage added later, say)."""
    return text(lang, key) if key in TEXT else fallback


def _stage_label(lang: Lang, stage: str) -> str:
    return _word(lang, f"mg_stage_{stage.replace('-', '_')}", stage)


def _helpers(lang: Lang) -> dict[str, Callable[..., str]]:
    """Formatting for the templates, in the page's language."""
    pick = 0 if lang == "fr" else 1

    def when(moment: dt.datetime | None) -> str:
        # To the minute: seconds would only clutter a dashboard.
        return format_datetime(moment.replace(second=0, microsecond=0), lang) if moment is not None else "—"

    def score(value: float | None) -> str:
        if value is None:
            return "—"
        shown = f"{value:.2f}"
        return shown.replace(".", ",") if lang == "fr" else shown

    def day(date: dt.date | None) -> str:
        return format_date(date, lang) if date is not None else "—"

    def money(cents: int) -> str:
        return format_money(cents, lang)

    def stage_name(status: ApplicationStatus) -> str:
        return STATUS_NAMES[status][pick]

    def stage_label(stage: str) -> str:
        return _stage_label(lang, stage)

    def rule_name(rule: str) -> str:
        return RULE_NAMES[rule][pick] if rule in RULE_NAMES else rule

    def word(prefix: str, value: str) -> str:
        return _word(lang, f"mg_{prefix}_{value}", value)

    return {
        "when": when,
        "day": day,
        "score": score,
        "money": money,
        "stage_name": stage_name,
        "stage_label": stage_label,
        "rule_name": rule_name,
        "word": word,
    }


def _page(
    request: Request,
    template: str,
    signed_in: SignedIn,
    lang: Lang,
    *,
    title_key: str,
    status_code: int = 200,
    context: Mapping[str, Any] | None = None,
) -> Response:
    done = DONE.get(request.query_params.get("done", ""))
    values = {"notice": text(lang, done) if done else None, **_helpers(lang), **(context or {})}
    return render(
        request, template, lang=lang, title_key=title_key, signed_in=signed_in, status_code=status_code, context=values
    )


def _known_call(call_code: str) -> str:
    with read_only() as session:
        return get_call(session, call_code).code


# --- runs ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunLine:
    run: StageRun
    finished: bool
    state: str  # the outcome once finished, else the launcher's state of the flow run


def _run_line(request: Request, run: StageRun, lang: Lang) -> RunLine:
    if run.outcome:
        return RunLine(run, True, _word(lang, f"mg_outcome_{run.outcome}", run.outcome))
    try:
        state = request.app.state.launcher.state(run.flow_run_id)
    except Exception:  # Prefect unreachable, or a run it no longer knows: the page shows without it
        _log.warning("no state for stage run %s", run.flow_run_id, exc_info=True)
        return RunLine(run, False, text(lang, "mg_state_unknown"))
    return RunLine(run, False, _word(lang, f"mg_state_{state.type.lower()}", state.name))


def _shown(value: Any, lang: Lang) -> str:
    """A value of a run's result or parameters, as text in ``lang``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    if isinstance(value, float):
        shown = f"{value:.4g}"
        return shown.replace(".", ",") if lang == "fr" else shown
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_shown(v, lang)}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        return " | ".join(_shown(v, lang) for v in value) or "—"
    return str(value)


def _rows(values: Mapping[str, Any], lang: Lang, *, hidden: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, value) of a result or parameters; a field no text names shows as its own name."""
    return [
        (_word(lang, f"mg_result_{key}", key.replace("_", " ")), _shown(value, lang))
        for key, value in values.items()
        if key not in hidden
    ]


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: uuid.UUID) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    lang = session_lang(request, signed_in)
    with read_only() as session:
        run = get_run(session, str(run_id))
        call = session.get(Call, run.call_id) if run.call_id is not None else None
    line = _run_line(request, run, lang)
    result = run.result if run.outcome else {}
    problem = result.get("problem_fr" if lang == "fr" else "problem_en")
    return _page(
        request,
        "manager_run.html",
        signed_in,
        lang,
        title_key="mg_run_title",
        context={
            "title": f"{text(lang, 'mg_run_title')}{' :' if lang == 'fr' else ':'} {_stage_label(lang, run.stage)}",
            "line": line,
            "run": run,
            "call_code": call.code if call is not None else None,
            "problem": problem,
            "result": _rows(result, lang, hidden=HIDDEN_RESULT),
            "parameters": _rows(run.parameters, lang),
        },
    )


# --- the calls and a call's dashboard --------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def calls_page(request: Request) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    lang = session_lang(request, signed_in)
    with read_only() as session:
        calls = list_calls(session)
    return _page(request, "manager_calls.html", signed_in, lang, title_key="mg_calls_title", context={"calls": calls})


def _dashboard_page(
    request: Request,
    signed_in: SignedIn,
    lang: Lang,
    call_code: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    with read_only() as session:
        board = dashboard(session, call_code=call_code)
    call = board.call
    return _page(
        request,
        "manager_call.html",
        signed_in,
        lang,
        title_key="mg_call_title",
        status_code=status_code,
        context={
            "title": call.title_fr if lang == "fr" else call.title_en,
            "board": board,
            "call": call,
            "runs": [_run_line(request, run, lang) for run in board.runs],
            "charts": CHART_FILES,
            "errors": errors or {},
            "values": values or {},
        },
    )


@router.get("/calls/{call_code}", response_class=HTMLResponse)
def call_page(request: Request, call_code: CallCode) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    return _dashboard_page(request, signed_in, session_lang(request, signed_in), call_code)


def _choice(form: FormData, name: str, allowed: tuple[str, ...], field_id: str) -> str:
    value = field(form, name, 40)
    if value not in allowed:
        raise InvalidInput(en="choose one of the options", fr="choisissez l'une des options", field=field_id)
    return value


def _policy(form: FormData, code: str, field_id: str) -> str | None:
    """The round's policy file, when one was chosen: kept once it reads as a policy (else InvalidInput)."""
    file = upload(form, "policy")
    if file is None:
        return None
    if FilePath(file.filename or "").suffix.lower() != ".toml":
        raise InvalidInput(en="choose a .toml file", fr="choisissez un fichier .toml", field=field_id)
    raw = file.file.read(POLICY_LIMIT + 1)
    if len(raw) > POLICY_LIMIT:
        raise InvalidInput(
            en=f"the policy is larger than {POLICY_LIMIT // 1000} kB",
            fr=f"la politique dépasse {POLICY_LIMIT // 1000} ko",
            field=field_id,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            en="the policy is not UTF-8 text", fr="la politique n'est pas du texte UTF-8", field=field_id
        ) from None
    return save_policy(code, text, field=field_id, shown_as=FilePath(file.filename or "").name)


def _parameters(stage: str, form: FormData, code: str, actor: str) -> dict[str, Any]:
    """The stage's parameters from its form, as the JSON API gives them; InvalidInput names the field's id."""
    prefix = FORMS[stage]
    if stage in UPLOAD_FOLDERS:
        file = upload(form, "file")
        if file is None:
            raise InvalidInput(en="choose a .csv or .xlsx file", fr="choisissez un fichier .csv ou .xlsx", field="")
        # The form's file is Starlette's UploadFile, which FastAPI's only subclasses; save_upload reads .file.
        path = save_upload(cast(UploadFile, file), UPLOAD_FOLDERS[stage])
        return {"call_code": code, "path": str(path), "actor": actor}
    if stage == "assignment":
        return {"call_code": code, "mode": _choice(form, "mode", MODES, f"{prefix}-mode"), "actor": actor}
    if stage == "review-summary":
        return {
            "call_code": code,
            "method": _choice(form, "method", SUMMARY_METHODS, f"{prefix}-method"),
            "actor": actor,
        }
    if stage == "award-round":
        kind = _choice(form, "kind", ROUND_KINDS, f"{prefix}-kind")
        method = _choice(form, "method", ROUND_METHODS, f"{prefix}-method")
        seed_text = field(form, "seed", 20)
        if seed_text and not (seed_text.isdigit() and int(seed_text) <= SEED_LIMIT):
            raise InvalidInput(
                en=f"the seed is a whole number from 0 to {SEED_LIMIT}",
                fr=f"la graine est un nombre entier de 0 à {SEED_LIMIT}",
                field=f"{prefix}-seed",
            )
        return {
            "call_code": code,
            "policy_file": _policy(form, code, f"{prefix}-policy"),
            "dry_run": field(form, "dry_run") == "yes",
            "seed": int(seed_text) if seed_text else None,
            "method": method or None,
            "kind": kind,
            "actor": actor,
        }
    if stage == "milestone-check":
        today = field(form, "today", 20)
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise InvalidInput(
                en="give a date as YYYY-MM-DD", fr="donnez une date au format AAAA-MM-JJ", field=f"{prefix}-today"
            ) from None
        return {"today": day.isoformat() if day else None, "actor": actor}
    return {"call_code": code, "actor": actor}  # screening, ineligible-notices


@router.post("/calls/{call_code}/stages/{stage}", response_class=HTMLResponse)
async def start(request: Request, call_code: CallCode, stage: str) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.manager)
    form = await checked_form(request, signed_in)
    lang = pick_lang(request, signed_in)
    if stage not in FORMS:
        raise NotFound(en=f"no stage {stage!r}", fr=f"aucune étape {stage!r}", field="stage")
    code = await run_in_threadpool(_known_call, call_code)
    actor = signed_in.principal.name
    try:
        parameters = await run_in_threadpool(_parameters, stage, form, code, actor)
    except InvalidInput as error:
        # save_upload names its own field ("file"): the page's field is this form's file input.
        name = f"{FORMS[stage]}-file" if stage in UPLOAD_FOLDERS else error.field or FORMS[stage]
        values = {f"{FORMS[stage]}-{key}": value for key, value in form.items() if isinstance(value, str)}
        return await run_in_threadpool(
            _dashboard_page,
            request,
            signed_in,
            lang,
            code,
            errors={name: error.message(lang)},
            values=values,
            status_code=422,
        )
    started = await run_in_threadpool(
        start_stage,
        request,
        stage,
        parameters,
        requested_by=actor,
        call_code=None if stage == "milestone-check" else code,  # fund-wide, as in the JSON API
    )
    return redirect(f"/manager/runs/{started.run_id}?done=started")


@router.get("/calls/{call_code}/stages/{stage}")
def stage_form(request: Request, call_code: CallCode, stage: str) -> Response:
    """A form's address asked for with GET (the language link of a form shown again): its dashboard."""
    return redirect(f"/manager/calls/{call_code}{_lang_query(request)}")


# --- the report and its charts ---------------------------------------------------------------------------------


def _report_data(call_code: str) -> ReportData:
    data = gather.fn(_known_call(call_code))
    if isinstance(data, DomainError):
        raise data
    return data


@router.get("/calls/{call_code}/report")
def report(request: Request, call_code: CallCode) -> FileResponse:
    signed_in = signed_in_as(request, TokenRole.manager)
    lang = pick_lang(request, signed_in)
    data = _report_data(call_code)
    home = get_settings().home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    folder = FilePath(tempfile.mkdtemp(prefix="report-", dir=home))
    name = "rapport" if lang == "fr" else "report"
    # The workbook only: the charts are on the dashboard, one request each.
    workbook = write_workbook(folder / f"{data.call_code}-{name}.xlsx", data, lang=lang)
    return FileResponse(
        workbook,
        media_type=XLSX,
        filename=workbook.name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _chart_png(call_code: str, stem: str, lang: Lang) -> bytes:
    """One chart of the call's report, drawn at most once a minute: a dashboard view asks for all four,
    and each drawing re-reads the whole report (a fraction of a second)."""
    key = (get_settings().resolved_database_url, call_code.strip().lower(), stem, lang)
    now = time.monotonic()
    with _DRAWING:  # matplotlib is not thread-safe; the lock also keeps one drawing per chart at a time
        drawn = _CHARTS.get(key)
        if drawn is not None and now - drawn[0] < CHART_TTL_S:
            return drawn[1]
        png = draw_chart(_report_data(call_code), stem, lang=lang)
        _CHARTS[key] = (now, png)
        return png


@router.get("/calls/{call_code}/charts/{stem}.png")
def chart(request: Request, call_code: CallCode, stem: str) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    lang = pick_lang(request, signed_in)
    if stem not in CHART_FILES:
        raise NotFound(en=f"no chart {stem!r}", fr=f"aucun graphique {stem!r}", field="chart")
    return Response(
        _chart_png(call_code, stem, lang),
        media_type="image/png",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


# --- award rounds ----------------------------------------------------------------------------------------------


def _round_page(
    request: Request,
    signed_in: SignedIn,
    lang: Lang,
    round_id: int,
    *,
    refusal: str | None = None,
    status_code: int = 200,
) -> Response:
    with read_only() as session:
        award_round, call = round_call(session, round_id=round_id)
        decisions = round_decisions(session, round_id=round_id)
        streams = streams_by_code(session, call)
        others = [r for r in call_rounds(session, call=call) if r.id != award_round.id]
        # A draft whose inputs changed can never pass approve_round's check: say so rather than offer it.
        open_draft = award_round.status == "draft" and not award_round.dry_run
        stale = open_draft and inputs_fingerprint(session, call=call) != award_round.inputs_hash
    # The same comparison as approve_round's rule, so the page offers what the rule allows.
    own = signed_in.principal.name.strip().casefold() == award_round.run_by.casefold()
    is_draft = award_round.status == "draft" and not stale
    return _page(
        request,
        "manager_round.html",
        signed_in,
        lang,
        title_key="mg_round_title",
        status_code=status_code,
        context={
            "title": f"{text(lang, 'mg_round_title')} {award_round.id}",
            "round": award_round,
            "call": call,
            "decisions": decisions,
            "stream_names": {code: s.name_fr if lang == "fr" else s.name_en for code, s in streams.items()},
            "refusal": refusal,
            "can_approve": is_draft and not award_round.dry_run and not own,
            "own_round": is_draft and not award_round.dry_run and own,
            "notices_open": award_round.status == "approved" and not award_round.dry_run,
            "others": others,
            "stale": stale,
        },
    )


@router.get("/rounds/{round_id}/compare", response_class=HTMLResponse)
def compare_page(request: Request, round_id: RoundId) -> Response:
    """Two rounds of one call side by side: the applications whose decision or amount differs, and the totals."""
    signed_in = signed_in_as(request, TokenRole.manager)
    lang = session_lang(request, signed_in)
    asked = request.query_params.get("with", "")
    missing = NotFound(en=f"no round {asked} in this call", fr=f"aucune ronde {asked} dans cet appel", field="with")
    if not (len(asked) <= 10 and asked.isascii() and asked.isdigit() and 1 <= int(asked) <= ROUND_ID_LIMIT):
        raise missing
    if int(asked) == round_id:
        raise missing
    with read_only() as session:
        award_round, call = round_call(session, round_id=round_id)
        other, other_call = round_call(session, round_id=int(asked))
        if other_call.id != call.id:
            raise missing
        comparison = compare_rounds(session, first=round_id, second=other.id or 0)
        streams = streams_by_code(session, call)
    names = {code: s.name_fr if lang == "fr" else s.name_en for code, s in streams.items()}
    totals = []
    for key, (first, second) in comparison.totals.items():
        kind, _, code = key.partition(":")
        totals.append((kind, names.get(code, code) if kind == "stream" else code, first, second, second - first))
    return _page(
        request,
        "manager_compare.html",
        signed_in,
        lang,
        title_key="mg_compare_title",
        context={
            "title": text(lang, "mg_compare_title").format(a=award_round.id, b=other.id),
            "round": award_round,
            "other": other,
            "call": call,
            "changes": comparison.changes,
            "totals": totals,
            "stream_names": names,
        },
    )


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, round_id: RoundId) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    return _round_page(request, signed_in, session_lang(request, signed_in), round_id)


@router.post("/rounds/{round_id}/approve", response_class=HTMLResponse)
async def approve(request: Request, round_id: RoundId) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.manager)
    await checked_form(request, signed_in)
    lang = pick_lang(request, signed_in)

    def work() -> DomainError | None:
        try:
            approve_round(round_id, manager=signed_in.principal.name)
        except NotFound:
            raise
        except DomainError as error:
            return error
        return None

    error = await run_in_threadpool(work)
    if error is None:
        return redirect(f"/manager/rounds/{round_id}?done=approved")
    return await run_in_threadpool(
        _round_page, request, signed_in, lang, round_id, refusal=error.message(lang), status_code=domain_status(error)
    )


@router.get("/rounds/{round_id}/approve")
def approve_form(request: Request, round_id: RoundId) -> Response:
    """The approval's address asked for with GET (the language link of a refusal): the round's page."""
    return redirect(f"/manager/rounds/{round_id}{_lang_query(request)}")


@router.post("/rounds/{round_id}/notices", response_class=HTMLResponse)
async def round_notices(request: Request, round_id: RoundId) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.manager)
    await checked_form(request, signed_in)
    actor = signed_in.principal.name

    def call_of_round() -> str:
        with read_only() as session:
            return round_call(session, round_id=round_id)[1].code

    code = await run_in_threadpool(call_of_round)
    started = await run_in_threadpool(
        start_stage,
        request,
        "round-notices",
        {"round_id": round_id, "actor": actor},
        requested_by=actor,
        call_code=code,
    )
    return redirect(f"/manager/runs/{started.run_id}?done=started")


# --- milestone reports -----------------------------------------------------------------------------------------


def _report_page(
    request: Request,
    signed_in: SignedIn,
    lang: Lang,
    report_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    refusal: str | None = None,
    status_code: int = 200,
) -> Response:
    with read_only() as session:
        line = milestone_report(session, report_id=report_id)
    pick = 1 if lang == "fr" else 2
    # The strategy's order; a code no longer in INDICATORS (renamed since) shows as itself.
    indicators = [(INDICATORS[code][pick], line.indicators[code]) for code in INDICATORS if code in line.indicators]
    indicators += [(code, count) for code, count in line.indicators.items() if code not in INDICATORS]
    return _page(
        request,
        "manager_report.html",
        signed_in,
        lang,
        title_key="mg_report_title",
        status_code=status_code,
        context={
            "title": text(lang, "mg_report_for").format(n=line.sequence),
            "line": line,
            "indicators": indicators,
            "open": line.status == "submitted",
            "refusal": refusal,
            "reason_limit": REASON_LIMIT,
            "errors": errors or {},
            "values": values or {},
        },
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: ReportId) -> Response:
    signed_in = signed_in_as(request, TokenRole.manager)
    return _report_page(request, signed_in, session_lang(request, signed_in), report_id)


@router.post("/reports/{report_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, report_id: ReportId) -> Response:
    signed_in = await run_in_threadpool(signed_in_as, request, TokenRole.manager)
    form = await checked_form(request, signed_in)
    lang = pick_lang(request, signed_in)
    decision = field(form, "decision", 10)
    reason = field(form, "reason", REASON_LIMIT + 1)

    def work() -> DomainError | None:
        try:
            if decision not in REPORT_DECISIONS:
                raise InvalidInput(
                    en="choose to accept or to return the report",
                    fr="choisissez d'accepter ou de renvoyer le rapport",
                    field="decision",
                )
            if len(reason) > REASON_LIMIT:
                raise InvalidInput(
                    en=f"longer than {REASON_LIMIT} characters", fr=f"dépasse {REASON_LIMIT} caractères", field="reason"
                )
            with unit_of_work() as session:
                decide_report(
                    session,
                    report_id=report_id,
                    accept=REPORT_DECISIONS[decision],
                    reason=reason,
                    manager=signed_in.principal.name,
                )
        except NotFound:
            raise
        except DomainError as error:
            return error
        return None

    error = await run_in_threadpool(work)
    if error is None:
        done = "report-accepted" if REPORT_DECISIONS[decision] else "report-returned"
        return redirect(f"/manager/reports/{report_id}?done={done}")
    if isinstance(error, InvalidInput) and error.field == "reason":
        return await run_in_threadpool(
            _report_page,
            request,
            signed_in,
            lang,
            report_id,
            errors={"return-reason": error.message(lang)},
            values={"reason": reason},
            status_code=422,
        )
    return await run_in_threadpool(
        _report_page, request, signed_in, lang, report_id, refusal=error.message(lang), status_code=domain_status(error)
    )


@router.get("/reports/{report_id}/decision")
def decision_form(request: Request, report_id: ReportId) -> Response:
    """The decision's address asked for with GET (the language link of a form shown again): the report's page."""
    return redirect(f"/manager/reports/{report_id}{_lang_query(request)}")
