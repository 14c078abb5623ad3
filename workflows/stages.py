"""Start a stage as a Prefect flow run and return its id at once (the API's way in).

The flow run is created first, so its id exists before any work starts. Embedded, a small
pool of threads in this process then runs it; with a Prefect server (``PREFECT_API_URL``)
it is a run of the stage's deployment, which a worker picks up. Either way the run's
result reaches the database through the stage hook.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from grants.db import unit_of_work
from grants.stage_runs import start_run
from workflows.assignment import assignment_flow, conflicts_import_flow, reviewers_import_flow
from workflows.awards import award_round_flow
from workflows.intake import intake_flow
from workflows.milestones import milestone_check_flow
from workflows.notices import ineligible_notices_flow, round_notices_flow
from workflows.report import report_flow
from workflows.scoring import review_summary_flow
from workflows.screening import screening_flow

STAGES: dict[str, Any] = {
    "intake": intake_flow,
    "screening": screening_flow,
    "reviewers-import": reviewers_import_flow,
    "conflicts-import": conflicts_import_flow,
    "assignment": assignment_flow,
    "review-summary": review_summary_flow,
    "award-round": award_round_flow,
    "round-notices": round_notices_flow,
    "ineligible-notices": ineligible_notices_flow,
    "milestone-check": milestone_check_flow,
    "report": report_flow,
}
RUNNERS = 2  # stages running at once in this process; the rest wait their turn


@dataclass(frozen=True)
class RunState:
    type: str  # Prefect's state type: PENDING, RUNNING, COMPLETED, FAILED, CRASHED, ...
    name: str


class Launcher:
    """Creates stage runs: run here in background threads (embedded), or left to a worker (server)."""

    def __init__(self, workers: int = RUNNERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stage")

    def warm(self) -> None:
        """Start Prefect's backend now (the embedded server takes seconds), not on the first request."""
        from prefect import get_client

        with get_client(sync_client=True) as client:
            client.hello()

    def start(self, stage: str, parameters: dict[str, Any], *, requested_by: str, call_code: str | None) -> str:
        from prefect import get_client

        from workflows.runtime import embedded

        flow = STAGES[stage]
        tags = [f"stage:{stage}"] + ([f"call:{call_code}"] if call_code else [])
        if embedded():
            with get_client(sync_client=True) as client:
                flow_run = client.create_flow_run(flow, parameters=parameters, tags=tags)
        else:  # a worker runs it: a run of the stage's deployment, created and left to the worker
            from prefect.deployments import run_deployment

            from workflows.deployments import deployment_name

            flow_run = run_deployment(  # type: ignore[assignment]  # sync: never called from a loop
                deployment_name(flow), parameters=parameters, timeout=0, tags=tags, as_subflow=False
            )
        run_id = str(flow_run.id)
        with unit_of_work() as session:
            start_run(
                session,
                flow_run_id=run_id,
                stage=stage,
                call_code=call_code,
                parameters=parameters,
                requested_by=requested_by,
            )
        if embedded():
            self._pool.submit(_execute, flow, flow_run, parameters)
        return run_id

    def state(self, run_id: str) -> RunState:
        from prefect import get_client

        with get_client(sync_client=True) as client:
            flow_run = client.read_flow_run(UUID(run_id))
        state = flow_run.state
        if state is None:
            return RunState("PENDING", "Pending")
        return RunState(state.type.value, state.name or state.type.value.title())

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


def _execute(flow: Any, flow_run: Any, parameters: dict[str, Any]) -> None:
    from prefect.flow_engine import run_flow

    from workflows.runtime import heartbeats_off

    with heartbeats_off():  # only embedded runs come here: no server watches heartbeats
        run_flow(flow, flow_run=flow_run, parameters=parameters, return_type="state")
