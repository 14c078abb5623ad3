"""Prefect's configuration for the engine; imported before Prefect itself.

Embedded mode keeps Prefect's home under GRANTS_HOME (so a personal ~/.prefect
profile never captures the engine's runs), runs quietly and offline, and turns
flow-run heartbeats off where no server watches them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

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
    """Call a flow in this process, with heartbeats off when no server watches them."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if not embedded():
        return flow(**parameters)
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(**parameters)


configure_environment()
