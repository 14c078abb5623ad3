"""The web pages on the API's FastAPI app: routes, static files and HTML error pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from grants.errors import DomainError
from web.pages import STATIC, pick_lang, redirect, render, text
from web.routes import applicant, home, manager, reviewer
from web.security import CsrfRefused, FormTooLarge, SignInNeeded, WrongSpace

STATUS_TEXT = {403: "error_403", 404: "error_404", 500: "error_500"}


def error_page(request: Request, status: int, error: DomainError | None = None) -> Response:
    """An error as a page in the visitor's language: the domain rule's own words, or the status's."""
    if error is not None:
        lang = pick_lang(request)
        context = {"message": error.message(lang)}
        return render(request, "error.html", lang=lang, title_key="error_title", status_code=status, context=context)
    return _message_page(request, status, STATUS_TEXT.get(status, "error_404" if status < 500 else "error_500"))


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
        return _message_page(request, 403, "error_csrf")

    @app.exception_handler(FormTooLarge)
    async def _too_large(request: Request, exc: FormTooLarge) -> Response:
        return _message_page(request, 413, "error_too_large")


def _message_page(request: Request, status: int, key: str) -> Response:
    lang = pick_lang(request)
    return render(
        request,
        "error.html",
        lang=lang,
        title_key="error_title",
        status_code=status,
        context={"message": text(lang, key)},
    )
