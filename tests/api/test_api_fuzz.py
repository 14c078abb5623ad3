"""OpenAPI fuzzing (schemathesis): no request, valid or not, gets a 5xx answer.

Every operation is called with generated data under a manager, an applicant and a
reviewer token, against a small call with real data (SQLite).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from api.app import create_app
from grants import db
from grants.settings import get_settings
from tests.api.test_api_access import ROUTES
from tests.api.world import FakeLauncher, World, build_world

TOKENS = ("manager", "applicant_own", "reviewer_assigned")


@pytest.fixture(scope="module")
def world(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("fuzz")
    target = folder / "grants.db"
    shutil.copyfile(sqlite_template, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRANTS_DATABASE_URL", f"sqlite:///{target}")
        get_settings.cache_clear()
        yield build_world(db.get_engine(), folder)
        db.get_engine().dispose()
        db._engine_for.cache_clear()
    get_settings.cache_clear()


def _known(path: str, world: World) -> dict[str, Any]:
    """Path values that exist, so generated bodies reach the services and not only a 404."""
    values = {"call_code": "csf-2026", "notice_id": world.notice_id, "round_id": 1, "report_id": 1,
              "run_id": "0b6f1f3e-4a7e-4a55-9d59-3f1f6b1c2d3e",
              "reference": world.reviewed if path.startswith("/api/v1/reviewer") else world.own}  # fmt: skip
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


def _templated(path: str) -> str:
    for concrete in ("CSF-2026-00001", "CSF-2026-00003"):
        path = path.replace(concrete, "{reference}")
    return path.replace("/calls/csf-2026", "/calls/{call_code}")


def test_no_operation_answers_with_a_server_error(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(FakeLauncher(), warm=False))
    failures: list[tuple[str, str, str, int, str]] = []
    operations: set[tuple[str, str]] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.add((operation.method.upper(), operation.path))
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=_known(operation.path, world)),
        )

        @given(case=strategy)
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: schemathesis.Case) -> None:
            for role in TOKENS:
                response = case.call(headers={"Authorization": f"Bearer {world.tokens[role]}"})
                if response.status_code >= 500:
                    failures.append((role, case.method, case.formatted_path, response.status_code, response.text[:200]))

        call()
    assert operations == {(r.method, _templated(r.path)) for r in ROUTES}  # the access matrix covers every route
    assert failures == []
