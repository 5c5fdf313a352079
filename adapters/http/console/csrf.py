"""Console CSRF defence: a per-session token on every state-changing request, plus Origin.

The token is an HMAC keyed by the session id (HttpOnly, never readable by a page), so it needs
no storage and no server secret, and pages that show it reveal nothing of the session. Login has
no session yet: its form carries a double-submit token mirrored in an HttpOnly, SameSite=Strict
cookie scoped to /console/login. Forms send the token as the `csrf_token` field; htmx sends it
as the X-CSRF-Token header (hx-headers on <body>). Templates read `request.state.csrf_token`."""

import hashlib
import hmac
import html
import secrets
from urllib.parse import parse_qs, urlsplit

import structlog
from starlette.requests import cookie_parser
from starlette.types import Message, Receive, Scope, Send

from adapters.http.plain_asgi import HttpMiddleware, header, send_problem, send_raw

log = structlog.get_logger("liftrescue.http")
SESSION_COOKIE = "lr_session"
LOGIN_COOKIE = "lr_login_csrf"
LOGIN_PATH = "/console/login"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED_PAGE = ("<!doctype html><meta charset=utf-8><title>403</title><h1>请求被拒绝 Refused</h1>"
                "<p>{why}</p><p><a href=\"/console/board\">返回 Back</a> (reload the page and "
                "try again)</p>")


def session_token(session: str) -> str:
    """The CSRF token of one console session."""
    return hmac.new(session.encode(), b"liftrescue console csrf", hashlib.sha256).hexdigest()


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def expected_token(scope: Scope) -> str | None:
    """The token a request to this console path must carry (None: nothing it could carry)."""
    cookies = cookie_parser(header(scope, b"cookie") or "")
    if scope["path"] == LOGIN_PATH:
        return cookies.get(LOGIN_COOKIE) or None
    session = cookies.get(SESSION_COOKIE)
    return session_token(session) if session else None


def foreign_origin(scope: Scope) -> str | None:
    """The Origin (or Referer) of a request from another site, else None."""
    source = header(scope, b"origin") or header(scope, b"referer")
    if source is None:
        return None
    # Behind a reverse proxy the browser's host arrives as X-Forwarded-Host; a cross-site form
    # cannot set that header, so accepting it opens nothing.
    own = {(header(scope, name) or "").split(",")[0].strip().lower()
           for name in (b"host", b"x-forwarded-host")}
    return None if urlsplit(source).netloc.lower() in own - {""} else source


class ConsoleCsrfMiddleware(HttpMiddleware):
    """403 for a state-changing /console request from another origin, or with the session
    (or login) cookie but without the matching token."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not scope["path"].startswith("/console"):
            await self.app(scope, receive, send)
            return
        expected = expected_token(scope)
        if expected:
            scope.setdefault("state", {})["csrf_token"] = expected
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if origin := foreign_origin(scope):
            await _refuse(scope, send, f"origin {origin[:100]} is not this console")
            return
        if expected is None and scope["path"] != LOGIN_PATH:
            # No session cookie: no ambient credential to abuse; the route sends the caller to
            # the login page (an expired session's form lands there instead of on a 403).
            await self.app(scope, receive, send)
            return
        body, offered = None, header(scope, b"x-csrf-token") or None
        if offered is None:  # bounded by the body limit, which runs before us
            body = await _read_body(receive)
            offered = _form_token(scope, body)
        if not expected or not offered or not hmac.compare_digest(offered, expected):
            why = f"{FIELD}: missing" if not offered else f"{FIELD}: does not match this session"
            await _refuse(scope, send, why)
            return
        await self.app(scope, receive if body is None else _replay(body, receive), send)


def _form_token(scope: Scope, body: bytes) -> str | None:
    if not (header(scope, b"content-type") or "").startswith("application/x-www-form-urlencoded"):
        return None
    values = parse_qs(body.decode("utf-8", "replace")).get(FIELD)
    return values[0] if values else None


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()  # after the body: the client's disconnect, when it comes
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(scope: Scope, send: Send, why: str) -> None:
    log.warning("console_csrf_refused", path=scope["path"], why=why)
    if "text/html" in (header(scope, b"accept") or "") and not header(scope, b"hx-request"):
        page = REFUSED_PAGE.format(why=html.escape(why)).encode()
        await send_raw(send, 403, [(b"content-type", b"text/html; charset=utf-8")], page)
        return
    await send_problem(send, 403, "csrf", "Cross-site request refused", why)
