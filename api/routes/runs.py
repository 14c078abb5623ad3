"""A stage run's state from Prefect, and its domain result once finished (managers)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.auth import Manager
from grants.db import unit_of_work
from grants.stage_runs import get_run

router = APIRouter(tags=["runs"])


class RunStatus(BaseModel):
    run_id: str
    stage: str
    state: str  # Prefect's state type: PENDING, RUNNING, COMPLETED, FAILED, CRASHED, CANCELLED, ...
    state_name: str
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str  # "" until the result is recorded; then completed, refused or failed
    parameters: dict[str, Any]
    result: dict[str, Any] | None


@router.get("/runs/{run_id}", response_model=RunStatus, summary="A stage run's state and result")
def read_run(run_id: uuid.UUID, principal: Manager, request: Request) -> RunStatus:
    with unit_of_work() as session:
        run = get_run(session, str(run_id))
        record = run.model_dump()
    state = request.app.state.launcher.state(str(run_id))
    return RunStatus(
        run_id=record["flow_run_id"],
        stage=record["stage"],
        state=state.type,
        state_name=state.name,
        requested_by=record["requested_by"],
        requested_at=record["requested_at"],
        finished_at=record["finished_at"],
        outcome=record["outcome"],
        parameters=record["parameters"],
        result=record["result"] if record["outcome"] else None,
    )
