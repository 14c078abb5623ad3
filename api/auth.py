"""Bearer tokens: who is asking, and what their role lets them reach.

No token, or an unknown, expired or revoked one: 401. A valid token of the wrong role:
403. The right role but someone else's application or an unassigned proposal: 404,
the same answer as for one that does not exist, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from grants.access import Principal, authenticate
from grants.db import unit_of_work
from grants.models import TokenRole

bearer = HTTPBearer(auto_error=False, description="An applicant, reviewer or manager token.")


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else ""
    principal = None
    if token:
        with unit_of_work() as session:
            principal = authenticate(session, token)
    if principal is None:
        raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(*roles: TokenRole) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(status_code=403)
        return principal

    return check


Manager = Annotated[Principal, Depends(require(TokenRole.manager))]
Reviewer = Annotated[Principal, Depends(require(TokenRole.reviewer))]
Applicant = Annotated[Principal, Depends(require(TokenRole.applicant))]
ApplicantOrManager = Annotated[Principal, Depends(require(TokenRole.applicant, TokenRole.manager))]
