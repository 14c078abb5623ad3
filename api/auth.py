"""Bearer tokens: who is asking, and what their role lets them reach.

No token, or an unknown, expired or revoked one: 401. A valid token of the wrong role:
403. The right role but someone else's application or an unassigned proposal: 404,
the same answer as for one that does not exist, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlmodel import Session

from grants.access import Principal, authenticate
from grants.db import read_only
from grants.models import TokenRole

bearer = HTTPBearer(auto_error=False, description="An applicant, reviewer or manager token.")


async def bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The token sent, or "" (no I/O, so no worker thread)."""
    return credentials.credentials if credentials is not None else ""


BearerToken = Annotated[str, Depends(bearer_token)]
BEARER_SECURITY: dict[str, Any] = {"security": [{"HTTPBearer": []}]}  # for a route reading the header itself


def token_from(request: Request) -> str:
    """The bearer token of a request, read without FastAPI's dependency machinery (the busiest route)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def principal_for(session: Session | Connection, token: str, roles: tuple[TokenRole, ...]) -> Principal:
    """The token's principal if its role is one of ``roles``; 401 or 403 otherwise."""
    principal = authenticate(session, token) if token else None
    if principal is None:
        raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    if principal.role not in roles:
        raise HTTPException(status_code=403)
    return principal


def require(*roles: TokenRole) -> Callable[[str], Principal]:
    def check(token: BearerToken) -> Principal:
        with read_only() as session:
            return principal_for(session, token, roles)

    return check


Manager = Annotated[Principal, Depends(require(TokenRole.manager))]
Reviewer = Annotated[Principal, Depends(require(TokenRole.reviewer))]
Applicant = Annotated[Principal, Depends(require(TokenRole.applicant))]
ApplicantOrManager = Annotated[Principal, Depends(require(TokenRole.applicant, TokenRole.manager))]
