"""The HTTP API: FastAPI under /api/v1, OpenAPI at /docs, started by ``grants serve``.

One process serves it in embedded mode (each process would start its own Prefect
backend); the lifespan hook checks the schema and warms Prefect before the first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api import errors, status_answers
from api.routes import applicants, managers, public, reviewers, runs
from grants.db import get_engine
from grants.errors import DomainError
from grants.migrate import schema_is_current
from web import site

PREFIX = "/api/v1"
DESCRIPTION = """
Community Support Fund — grant workflow engine. / Fonds de soutien communautaire — moteur de gestion des subventions.

Send a bearer token (`Authorization: Bearer ...`): an applicant token (from the receipt),
a reviewer token (`grants reviewers token`) or a manager token (`grants managers add`).
Errors are JSON with a code and the message in French and English.
"""


class SchemaNotReady(DomainError):
    code = "schema_not_ready"


def create_app(launcher: Any | None = None, *, warm: bool = True) -> FastAPI:
    """The app; ``launcher`` starts stage runs (workflows.stages.Launcher unless given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not schema_is_current(get_engine()):
            raise SchemaNotReady(
                en="the database schema is not current; run `grants init` first",
                fr="le schéma de la base de données n'est pas à jour; lancez d'abord `grants init`",
            )
        if app.state.launcher is None:
            from workflows.stages import Launcher

            app.state.launcher = Launcher()
        if warm:
            await run_in_threadpool(app.state.launcher.warm)
        yield
        status_answers.forget_all()
        await run_in_threadpool(app.state.launcher.shutdown)

    app = FastAPI(
        title="Community Support Fund API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.launcher = launcher
    errors.install(app, site.error_page)
    for module in (applicants, public, reviewers, managers, runs):  # the busiest route is matched first
        app.include_router(module.router, prefix=PREFIX)
    site.install(app)  # the web pages, after the API's routes
    return app
