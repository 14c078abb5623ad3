"""A test client for the pages, over HTTPS (the session cookie is Secure), on the API's world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from tests.api.world import FakeLauncher, World, build_world
from web.routes import manager


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    return build_world(engine, tmp_path)


@pytest.fixture
def launcher() -> FakeLauncher:
    return FakeLauncher()


@pytest.fixture
def client(world: World, launcher: FakeLauncher) -> Iterator[TestClient]:
    manager._CHARTS.clear()  # each test's database is new, though PostgreSQL's keeps its address
    with TestClient(create_app(launcher, warm=False), base_url="https://testserver") as test_client:
        yield test_client
