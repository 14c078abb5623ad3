"""Every stage flow as a Prefect deployment, run by process workers (running at scale).

With a Prefect server (``PREFECT_API_URL``), ``grants deploy`` registers one deployment
per stage on a process work pool, by module path: a worker on any machine with this
package installed and the same ``GRANTS_DATABASE_URL`` can run them. The daily milestone
check is scheduled at 06:00 America/Toronto.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from workflows.stages import STAGES

DEPLOYMENT = "grants"  # each flow's deployment: "<flow name>/grants", e.g. "intake/grants"
POOL = "grants"
DAILY_CHECK = "0 6 * * *"  # 06:00 every day
TIMEZONE = "America/Toronto"


def deployment_name(flow: Any) -> str:
    return f"{flow.name}/{DEPLOYMENT}"


def register(pool: str = POOL) -> list[str]:
    """Create (or update) the work pool and one deployment per stage; returns their names."""
    from prefect import deploy, get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments.runner import EntrypointType
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.schedules import Cron

    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    deployments = []
    for flow in STAGES.values():
        schedule = Cron(DAILY_CHECK, timezone=TIMEZONE) if flow.name == "milestone-check" else None
        deployments.append(
            flow.to_deployment(
                name=DEPLOYMENT,
                entrypoint_type=EntrypointType.MODULE_PATH,
                schedule=schedule,
                tags=[f"stage:{flow.name}"],
            )
        )
    with contextlib.redirect_stdout(io.StringIO()):  # Prefect prints a table; the command line says it in one line
        deploy(*deployments, work_pool_name=pool, build=False, push=False, print_next_steps_message=False)
    return [deployment_name(flow) for flow in STAGES.values()]
