"""Prefect's configuration for the engine; imported before Prefect itself.

Embedded mode keeps Prefect's home under GRANTS_HOME (so a personal ~/.prefect
profile never captures the engine's runs), runs quietly and offline, and turns
flow-run heartbeats off where no server watches them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any, TypeVar

from grants.errors import DomainError
from grants.settings import Settings, get_settings

T = TypeVar("T")


def configure_environment(settings: Settings | None = None) -> None:
    """Set Prefect's variables unless the operator set them already."""
    settings = settings or get_settings()
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
        "PREFECT_CLI_COLORS": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def embedded() -> bool:
    """True when no Prefect server is configured (the ephemeral, in-process mode)."""
    from prefect.settings import PREFECT_API_URL

    return not PREFECT_API_URL.value()


def run_flow(flow: Callable[..., T], /, **parameters: Any) -> T:
    """Run a stage and return its report.

    Embedded: the flow runs in this process, heartbeats off. With a Prefect server
    (``PREFECT_API_URL``): a run of the stage's deployment, done by a worker; this waits
    for it and rebuilds the report from the result the worker recorded.
    """
    if not embedded():
        return run_deployed(flow, parameters)
    with heartbeats_off():
        return flow(**parameters)


_QUIET: dict[int, tuple[Any, Any]] = {}  # current settings -> (them, the same with heartbeats off)


def heartbeats_off() -> Any:
    """Prefect's settings with flow-run heartbeats off, as a context; built once per settings object.

    (``temporary_settings`` would copy and validate every setting on each call: ~0.1 s a flow.)
    """
    import prefect.context
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    context = prefect.context.get_settings_context()
    cached = _QUIET.get(id(context.settings))
    if cached is None or cached[0] is not context.settings:
        quiet = context.settings.copy_with_update(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
        cached = _QUIET[id(context.settings)] = (context.settings, quiet)
    return prefect.context.SettingsContext(profile=context.profile, settings=cached[1])


class StageFailed(DomainError):
    code = "stage_failed"


RECORD_WAIT_SECONDS = 60.0  # the worker records the result in the flow's completion hook, after the state is set


def _recorded(flow_run_id: str, wait_seconds: float) -> tuple[str, dict[str, Any]]:
    """The run's recorded outcome and result, waiting up to ``wait_seconds`` for the worker's hook to write them.

    Prefect sets the final state before the flow's completion hook runs, so a waiter can
    see ``Completed`` while the worker is still writing the result.
    """
    import time

    from grants.db import unit_of_work
    from grants.stage_runs import get_run

    deadline = time.monotonic() + wait_seconds
    while True:
        with unit_of_work() as session:
            try:
                record = get_run(session, flow_run_id)
                outcome, result = record.outcome, dict(record.result)
            except DomainError:
                outcome, result = "", {}
        if outcome or time.monotonic() >= deadline:
            return outcome, result
        time.sleep(0.2)


def run_deployed(flow: Any, parameters: dict[str, Any], poll_seconds: float = 1.0) -> Any:
    """Run the flow's deployment, wait for the worker, and return its report (a dataclass like the flow's)."""
    import typing

    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    from workflows.deployments import deployment_name

    flow_run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync here: never called from a loop
        deployment_name(flow), parameters=parameters, timeout=None, poll_interval=poll_seconds, as_subflow=False
    )
    state = flow_run.state
    hooked = state is not None and (state.is_completed() or state.is_failed())  # the states whose hook records
    outcome, result = _recorded(str(flow_run.id), RECORD_WAIT_SECONDS if hooked else 0)
    if state is None or not state.is_completed() or outcome in ("", "failed"):
        name = state.name if state is not None else "unknown"
        raise StageFailed(
            en=f"the {flow.name} stage did not finish on the worker (state {name}); see the worker's log",
            fr=f"l'étape {flow.name} ne s'est pas terminée chez le travailleur (état {name}); voir son journal",
        )
    report_type = typing.get_type_hints(flow.fn).get("return")
    if report_type is None or not dataclasses.is_dataclass(report_type):
        return result
    names = {f.name for f in dataclasses.fields(report_type)}
    build: Any = report_type
    return build(**{k: v for k, v in result.items() if k in names})


configure_environment()
