"""Errors as JSON: a code, the message in French and English, and the field at fault."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from grants.errors import DomainError

# Domain error codes and the HTTP status they answer with; anything else is a 409 conflict
# with the state of the fund (a closed call, a refused round, an illegal transition).
STATUS_BY_CODE = {
    "not_found": 404,
    "not_assigned": 404,
    "invalid_input": 422,
    "unreadable_file": 422,
}
HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "La requête est mal formée.", "The request is malformed."),
    401: ("unauthenticated", "Un jeton d'accès valide est requis.", "A valid access token is required."),
    403: ("forbidden", "Ce jeton ne permet pas cette action.", "This token does not allow this action."),
    404: ("not_found", "Introuvable.", "Not found."),
    405: ("method_not_allowed", "Méthode non permise.", "Method not allowed."),
    413: ("too_large", "Le fichier est trop volumineux.", "The file is too large."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge.", "Unsupported content type."),
    500: (
        "internal_error",
        "Erreur interne; l'équipe technique du fonds a été avisée.",
        "Internal error; the fund's technical team has been told.",
    ),
}
# Pydantic's error types, told in both languages.
VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("champ obligatoire", "field required"),
    "int_parsing": ("doit être un nombre entier", "must be a whole number"),
    "int_type": ("doit être un nombre entier", "must be a whole number"),
    "int_from_float": ("doit être un nombre entier", "must be a whole number"),
    "float_parsing": ("doit être un nombre", "must be a number"),
    "float_type": ("doit être un nombre", "must be a number"),
    "bool_parsing": ("doit être vrai ou faux", "must be true or false"),
    "bool_type": ("doit être vrai ou faux", "must be true or false"),
    "string_type": ("doit être du texte", "must be text"),
    "dict_type": ("doit être un objet", "must be an object"),
    "list_type": ("doit être une liste", "must be a list"),
    "model_attributes_type": ("doit être un objet", "must be an object"),
    "date_parsing": ("doit être une date AAAA-MM-JJ", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("doit être une date AAAA-MM-JJ", "must be a date YYYY-MM-DD"),
    "date_type": ("doit être une date AAAA-MM-JJ", "must be a date YYYY-MM-DD"),
    "uuid_parsing": ("doit être un identifiant UUID", "must be a UUID"),
    "uuid_type": ("doit être un identifiant UUID", "must be a UUID"),
    "json_invalid": ("JSON mal formé", "malformed JSON"),
    "extra_forbidden": ("champ inconnu", "unknown field"),
    "string_too_short": ("trop court", "too short"),
    "string_too_long": ("trop long", "too long"),
    "string_pattern_mismatch": ("format non valide", "invalid format"),
    "greater_than": ("valeur trop petite", "value too small"),
    "greater_than_equal": ("valeur trop petite", "value too small"),
    "less_than": ("valeur trop grande", "value too large"),
    "less_than_equal": ("valeur trop grande", "value too large"),
    "literal_error": ("valeur non permise", "value not allowed"),
    "enum": ("valeur non permise", "value not allowed"),
    "too_long": ("trop d'éléments", "too many items"),
    "too_short": ("pas assez d'éléments", "too few items"),
}
LOCATIONS = ("body", "query", "path", "header", "cookie")


def error_body(code: str, en: str, fr: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": {"en": en, "fr": fr}}
    if field:
        body["field"] = field
    body.update(extra)
    return {"error": body}


def http_error(status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    code, fr, en = HTTP_MESSAGES.get(status, HTTP_MESSAGES[400])
    return JSONResponse(error_body(code, en, fr), status_code=status, headers=headers)


def domain_status(error: DomainError) -> int:
    return STATUS_BY_CODE.get(error.code, 409)


def domain_error_response(error: DomainError) -> JSONResponse:
    return JSONResponse(error_body(error.code, error.en, error.fr, error.field), status_code=domain_status(error))


def field_name(loc: Sequence[Any]) -> tuple[str, str]:
    """(where, dotted field) from a pydantic location: ("body", "scores.relevance")."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        return parts[0], ".".join(parts[1:]) or parts[0]
    return "body", ".".join(parts)


def validation_fields(errors: Sequence[Any]) -> list[dict[str, Any]]:
    fields = []
    for error in errors:
        where, name = field_name(error.get("loc", ()))
        fr, en = VALIDATION_MESSAGES.get(error.get("type", ""), ("valeur non valide", "invalid value"))
        fields.append({"field": name, "in": where, "message": {"en": en, "fr": fr}})
    return fields


ErrorPage = Callable[[Request, int, DomainError | None], Response]


def install(app: FastAPI, pages: ErrorPage | None = None) -> None:
    """JSON errors for domain rules, request validation and HTTP statuses; pages get ``pages``' HTML."""

    def as_page(request: Request) -> bool:
        return pages is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if pages is not None and as_page(request):
            return pages(request, domain_status(exc), exc)
        return domain_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if pages is not None and as_page(request):
            return pages(request, 404, None)  # a page's only parameters are in its address
        fields = validation_fields(exc.errors())
        first = fields[0]["field"] if fields else None
        return JSONResponse(
            error_body(
                "invalid_input",
                "the request has invalid or missing fields",
                "la requête contient des champs manquants ou non valides",
                first,
                fields=fields,
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if pages is not None and as_page(request) and exc.status_code in (403, 404, 405):
            return pages(request, exc.status_code, None)
        headers = dict(exc.headers) if exc.headers else None
        if isinstance(exc.detail, dict) and "error" in exc.detail:
            return JSONResponse(exc.detail, status_code=exc.status_code, headers=headers)
        return http_error(exc.status_code, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("grants.api").error(
            "unexpected error on %s %s", request.method, request.url.path, exc_info=exc
        )
        if pages is not None and as_page(request):
            return pages(request, 500, None)
        return http_error(500)
