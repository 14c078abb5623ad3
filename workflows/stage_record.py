"""The hook every stage flow runs when it ends: its result goes to the engine's database.

Recorded by the process that ran the flow (this one, or a worker elsewhere), so the
API can report a run's domain result wherever it ran.
"""

from __future__ import annotations

from typing import Any

from grants.db import unit_of_work
from grants.stage_runs import finish_run, jsonable, outcome_of


def record_stage_result(flow: Any, flow_run: Any, state: Any) -> None:
    if state.is_completed():
        value = jsonable(state.result(raise_on_failure=False))
        result = value if isinstance(value, dict) else {"value": value}
        outcome = outcome_of(result)
    else:
        result = {
            "problem_en": "the stage stopped on an unexpected error; the fund's technical team has the details",
            "problem_fr": "l'étape s'est arrêtée sur une erreur inattendue; l'équipe technique du fonds a les détails",
            "error": type(state.result(raise_on_failure=False)).__name__,
        }
        outcome = "failed"
    with unit_of_work() as session:
        finish_run(
            session,
            flow_run_id=str(flow_run.id),
            stage=flow.name,
            parameters=dict(flow_run.parameters or {}),
            outcome=outcome,
            result=result,
        )
