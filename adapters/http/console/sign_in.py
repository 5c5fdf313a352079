"""Console sign-in: a person's username and password (rate-limited), or a machine's token."""

import structlog
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from adapters.bootstrap import Services
from adapters.http.console.rendering import render
from adapters.http.console.session import set_session_cookie

log = structlog.get_logger("liftrescue.console")
WRONG = "用户名或密码错误 (wrong username or password)"
LOCKED = "登录失败次数过多，请 {s} 秒后再试 (too many failed logins: try again in {s} s)"
BAD_TOKEN = "令牌无效或已吊销 (invalid or revoked token)"


def _signed_in(request: Request, services: Services, session: str) -> RedirectResponse:
    response = RedirectResponse("/console/board", status_code=303)
    set_session_cookie(response, request, session, services.settings)
    return response


def _page(request: Request, status: int, error: str, username: str = "",
          headers: dict[str, str] | None = None) -> HTMLResponse:
    response = render(request, "login.html", error=error, username=username)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _locked(request: Request, services: Services, username: str, seconds: int) -> HTMLResponse:
    log.warning("console_login_locked", username=_loggable(services, username),
                client=_client(request), retry_after=seconds)
    return _page(request, 429, LOCKED.format(s=seconds), username,
                 {"Retry-After": str(seconds)})


def _loggable(services: Services, username: str) -> str:
    """The username for a log line: only a real user's name. People type their password into
    the username box; an unknown name may be one, so it is never logged."""
    return username if services.users.known(username) else "(unknown username)"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def with_password(request: Request, services: Services, username: str,
                  password: str) -> HTMLResponse:
    """Sign a person in; every attempt counts against the username and the address until it
    succeeds, and a locked one waits even with the right password."""
    name = username.strip().lower()[:64]
    if not name or not password:
        return _page(request, 400, WRONG, name)
    throttle = services.login_throttle
    attempt = throttle.begin(name, _client(request))
    if isinstance(attempt, int):
        return _locked(request, services, name, attempt)
    principal = services.users.authenticate(name, password)
    if principal is None:
        log.info("console_login_failed", username=_loggable(services, name),
                 client=_client(request))
        if throttle.locked_after(attempt):
            return _locked(request, services, name, throttle.wait_seconds(name))
        return _page(request, 401, WRONG, name)
    throttle.succeeded(name)
    log.info("console_login", subject=principal.subject, client=_client(request))
    return _signed_in(request, services, services.sessions.open_for_user(name))


def with_token(request: Request, services: Services, token: str) -> HTMLResponse:
    """Sign a machine in (a control-room wall, a call centre) with its API token."""
    session = services.sessions.open(token.strip())
    if session is None:
        return _page(request, 401, BAD_TOKEN)
    return _signed_in(request, services, session)
