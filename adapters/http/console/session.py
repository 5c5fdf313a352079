"""Console login: token in, HttpOnly SameSite=Strict session cookie out."""

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from adapters.http.auth import unit_scope
from adapters.http.console.csrf import LOGIN_COOKIE, LOGIN_PATH, SESSION_COOKIE, new_login_token
from adapters.http.deps import ServicesDep
from adapters.postgres.tokens import Principal
from adapters.runtime.settings import Settings

COOKIE = SESSION_COOKIE


class LoginRequired(HTTPException):
    """Raised on console pages without a valid session; answered with a redirect to login.
    An htmx request (a board refresh, a form) gets HX-Redirect instead: a 303 would be followed
    inside the XHR and the login page swapped into the table or form."""

    def __init__(self, htmx: bool = False) -> None:
        if htmx:
            super().__init__(401, "login required", headers={"HX-Redirect": "/console/login"})
        else:
            super().__init__(303, "login required", headers={"Location": "/console/login"})


def console_principal(request: Request, services: ServicesDep) -> Principal:
    session = request.cookies.get(COOKIE)
    principal = services.sessions.principal(session) if session else None
    if principal is None:
        raise LoginRequired(htmx=request.headers.get("HX-Request") == "true")
    request.state.principal = principal
    return principal


def _secure(request: Request, settings: Settings) -> bool:
    return request.url.scheme == "https" or settings.environment == "production"


def set_session_cookie(response, request: Request, session: str,  # noqa: ANN001
                       settings: Settings) -> None:
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict",
                        secure=_secure(request, settings),
                        max_age=int(settings.session_hours * 3600), path="/")
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)  # a new one per login


def login_csrf(request: Request, response, settings: Settings) -> None:  # noqa: ANN001
    """Keep the login form's double-submit token in its cookie (made on first visit)."""
    response.set_cookie(LOGIN_COOKIE, request.state.csrf_token, httponly=True,
                        samesite="strict", secure=_secure(request, settings),
                        max_age=12 * 3600, path=LOGIN_PATH)


def ensure_login_token(request: Request) -> None:
    """The login page's CSRF token: the one its cookie already holds, or a new one."""
    if not getattr(request.state, "csrf_token", None):
        request.state.csrf_token = new_login_token()


async def console_scope(principal: Annotated[Principal, Depends(console_principal)],
                        ) -> str | None:
    """The unit a console user is confined to (None = every unit)."""
    return unit_scope(principal)


ConsolePrincipal = Annotated[Principal, Depends(console_principal)]
ConsoleScope = Annotated[str | None, Depends(console_scope)]
