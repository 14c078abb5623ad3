"""Stage runs: which flow run did a stage, who asked for it, and its result once finished."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from sqlmodel import Session, select

from grants.calls import get_call
from grants.errors import DomainError, NotFound
from grants.models import Call, StageRun, utcnow


def jsonable(value: Any) -> Any:
    """A flow's return value as JSON: dataclasses, paths, dates, enums and domain errors."""
    if isinstance(value, DomainError):
        return {"code": value.code, "en": value.en, "fr": value.fr, "field": value.field}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def outcome_of(result: Mapping[str, Any]) -> str:
    """``refused`` when the stage declined the work (its report names a problem), else ``completed``."""
    return "refused" if result.get("problem_en") else "completed"


def start_run(
    session: Session,
    *,
    flow_run_id: str,
    stage: str,
    call_code: str | None,
    parameters: Mapping[str, Any],
    requested_by: str,
) -> StageRun:
    call_id = get_call(session, call_code).id if call_code else None
    finished = session.exec(select(StageRun).where(StageRun.flow_run_id == flow_run_id)).first()
    if finished is not None:  # a worker ran it and recorded its result first
        finished.requested_by, finished.call_id = requested_by, call_id
        session.add(finished)
        session.flush()
        return finished
    run = StageRun(
        flow_run_id=flow_run_id,
        stage=stage,
        call_id=call_id,
        parameters=jsonable(dict(parameters)),
        requested_by=requested_by,
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    *,
    flow_run_id: str,
    stage: str,
    parameters: Mapping[str, Any],
    outcome: str,
    result: Mapping[str, Any],
) -> StageRun:
    """Record how a run ended; a run started elsewhere (the command line) is recorded here first."""
    run = session.exec(select(StageRun).where(StageRun.flow_run_id == flow_run_id)).first()
    if run is None:
        code = parameters.get("call_code")
        call_id = session.exec(select(Call.id).where(Call.code == code)).first() if isinstance(code, str) else None
        run = StageRun(
            flow_run_id=flow_run_id,
            stage=stage,
            call_id=call_id,
            parameters=jsonable(dict(parameters)),
            requested_by=str(parameters.get("actor") or "system"),
        )
    run.finished_at = utcnow()
    run.outcome = outcome
    run.result = jsonable(dict(result))
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, flow_run_id: str) -> StageRun:
    run = session.exec(select(StageRun).where(StageRun.flow_run_id == flow_run_id)).first()
    if run is None:
        raise NotFound(en=f"no stage run {flow_run_id}", fr=f"aucune exécution d'étape {flow_run_id}", field="run_id")
    return run
