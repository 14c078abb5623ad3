"""The portal's front door: the home page, sign-in for each space, sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from grants.access import Principal, authenticate
from grants.db import read_only, unit_of_work
from grants.errors import Lang
from grants.models import TokenRole
from grants.web_sessions import close_session, open_session
from web.pages import pick_lang, redirect, render, text
from web.security import (
    checked_form,
    clear_session_cookie,
    current_session,
    field,
    form_token,
    set_form_cookie,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)
SPACES = {"applicant": TokenRole.applicant, "reviewer": TokenRole.reviewer, "manager": TokenRole.manager}
HOME_OF = {TokenRole.applicant: "/applicant", TokenRole.reviewer: "/reviewer", TokenRole.manager: "/manager"}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    signed_in = current_session(request)
    lang = pick_lang(request, signed_in)
    return render(request, "home.html", lang=lang, title_key="home_title", signed_in=signed_in)


def _sign_in_page(
    request: Request, role: TokenRole, lang: Lang, *, errors: dict[str, str] | None = None, reference: str = ""
) -> Response:
    token = form_token(request)
    response = render(
        request,
        "sign_in.html",
        lang=lang,
        title_key=f"sign_in_{role.value}",
        status_code=422 if errors else 200,
        context={
            "role": role.value,
            "form_csrf": token,
            "errors": {name: text(lang, key) for name, key in (errors or {}).items()},
            "reference": reference,
        },
    )
    set_form_cookie(response, token)
    return response


for _name in SPACES:

    def _show(request: Request, _role: TokenRole = SPACES[_name]) -> Response:
        signed_in = current_session(request)
        if signed_in is not None and signed_in.principal.role is _role:
            return redirect(HOME_OF[_role])
        reference = request.query_params.get("reference", "")[:40]
        return _sign_in_page(request, _role, pick_lang(request), reference=reference)

    async def _submit(request: Request, _role: TokenRole = SPACES[_name]) -> Response:
        form = await checked_form(request, None)
        lang = pick_lang(request)
        reference = field(form, "reference", 40).upper()
        token = field(form, "token", 256)
        errors: dict[str, str] = {}
        if _role is TokenRole.applicant and not reference:
            errors["reference"] = "required"
        if not token:
            errors["token"] = "required"
        if errors:
            return _sign_in_page(request, _role, lang, errors=errors, reference=reference)
        key = await run_in_threadpool(_open, _role, token, reference, lang if "lang" in request.query_params else None)
        if key is None:
            message = "sign_in_refused" if _role is TokenRole.applicant else "token_refused"
            return _sign_in_page(request, _role, lang, errors={"token": message}, reference=reference)
        response = redirect(HOME_OF[_role])
        set_session_cookie(response, key)
        return response

    router.add_api_route(f"/{_name}/sign-in", _show, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(f"/{_name}/sign-in", _submit, methods=["POST"], response_class=HTMLResponse)


def _open(role: TokenRole, token: str, reference: str, lang: Lang | None) -> str | None:
    """A new session's cookie key when the token is valid for ``role`` (and, for applicants, the reference)."""
    with read_only() as session:
        principal: Principal | None = authenticate(session, token)
    if principal is None or principal.role is not role:
        return None
    if role is TokenRole.applicant and principal.name != reference:
        return None
    with unit_of_work() as session:
        key, _ = open_session(session, principal, lang=lang)
    return key


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    signed_in = await run_in_threadpool(current_session, request)
    if signed_in is not None:
        await checked_form(request, signed_in)

        def close() -> None:
            with unit_of_work() as session:
                close_session(session, signed_in)

        await run_in_threadpool(close)
    response = redirect("/")
    clear_session_cookie(response)
    return response
