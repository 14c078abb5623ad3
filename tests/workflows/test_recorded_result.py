"""A deployed run's result: the waiter reads what the worker's completion hook recorded.

Prefect marks the run Completed before the hook writes the result, so the waiter must
wait for the record rather than read it once (a CI run failed on exactly that race).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.engine import Engine

from grants.db import unit_of_work
from grants.stage_runs import finish_run
from workflows.runtime import _recorded


def _record_later(flow_run_id: str, delay: float) -> threading.Thread:
    def write() -> None:
        time.sleep(delay)
        with unit_of_work() as session:
            finish_run(session, flow_run_id=flow_run_id, stage="screening", parameters={"actor": "m"},
                       outcome="completed", result={"screened": 3})  # fmt: skip

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_the_waiter_gets_a_result_recorded_after_the_state(engine: Engine) -> None:
    writer = _record_later("run-late", 0.5)
    assert _recorded("run-late", 20.0) == ("completed", {"screened": 3})
    writer.join()


def test_without_a_wait_a_missing_record_reads_as_no_outcome(engine: Engine) -> None:
    writer = _record_later("run-later", 0.5)
    assert _recorded("run-later", 0) == ("", {})
    writer.join()
    assert _recorded("run-later", 0) == ("completed", {"screened": 3})
