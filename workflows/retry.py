"""When a task's failure is worth retrying."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError


def transient_database_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry lost connections and lock time-outs, never a broken rule or bad data."""
    try:
        state.result()
    except OperationalError:
        return True
    except DBAPIError as exc:
        return bool(exc.connection_invalidated)
    except Exception:
        return False
    return False
