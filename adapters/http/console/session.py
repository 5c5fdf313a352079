"""Console login: token in, HttpOnly SameSite=Strict session cookie out."""

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from adapters.postgres.tokens import Principal

COOKIE = "lr_session"


class LoginRequired(HTTPException):
    """Raised on console pages without a valid session; answered with a redirect to login."""

    def __init__(self) -> None:
        super().__init__(303, "login required", headers={"Location": "/console/login"})


def console_principal(request: Request) -> Principal:
    session = request.cookies.get(COOKIE)
    principal = request.app.state.services.sessions.principal(session) if session else None
    if principal is None:
        raise LoginRequired()
    request.state.principal = principal
    return principal


def set_session_cookie(response, request: Request, session: str) -> None:  # noqa: ANN001
    secure = request.url.scheme == "https" or request.app.state.services.settings.environment == "production"
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict", secure=secure,
                        max_age=12 * 3600, path="/")


ConsolePrincipal = Annotated[Principal, Depends(console_principal)]
