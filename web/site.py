"""The web pages on the API's FastAPI app: routes, static files and HTML error pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from grants.errors import DomainError
from web.pages import STATIC, pick_lang, redirect, render
from web.routes import applicant, home, manager, reviewer
from web.security import CsrfRefused, SignInNeeded, WrongSpace

STATUS_TEXT = {403: "error_403", 404: "error_404", 500: "error_500"}


def error_page(request: Request, status: int, error: DomainError | None = None) -> Response:
    """An error as a page in the visitor's language: the domain rule's own words, or the status's."""
    lang = pick_lang(request)
    context = {"message": error.message(lang) if error is not None else None}
    if context["message"] is None:
        from web.pages import text

        context["message"] = text(lang, STATUS_TEXT.get(status, "error_404" if status < 500 else "error_500"))
    return render(request, "error.html", lang=lang, title_key="error_title", status_code=status, context=context)


def install(app: FastAPI) -> None:
    """Mount the pages, their stylesheet and their error handling on ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (home, applicant, reviewer, manager):
        app.include_router(module.router)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        return redirect(f"/{exc.role.value}/sign-in")

    @app.exception_handler(WrongSpace)
    async def _wrong_space(request: Request, exc: WrongSpace) -> Response:
        return error_page(request, 403)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        lang = pick_lang(request)
        from web.pages import text

        return render(
            request,
            "error.html",
            lang=lang,
            title_key="error_title",
            status_code=403,
            context={"message": text(lang, "error_csrf")},
        )
