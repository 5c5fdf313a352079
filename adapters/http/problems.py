"""RFC 9457 problem details for every error the API returns."""

from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg import DataError
from psycopg import OperationalError as PsycopgOperationalError
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException

from adapters.http.validation_zh import bilingual
from dispatch.errors import ConcurrentUpdate, NotFound, TicketNotFound, VersionMismatch
from domain.errors import DomainError, InvalidValue

log = structlog.get_logger(__name__)
MEDIA_TYPE = "application/problem+json"


# Why a request is unauthenticated → what to do about it (401 detail, 中文 (English)).
WHERE_TOKENS = ("a token comes from `liftrescue tokens create` (ask an admin), or from the "
                "banner `liftrescue dev` prints")
WHERE_TOKENS_ZH = "令牌由 `liftrescue tokens create` 签发（请找管理员），或见 `liftrescue dev` 的启动横幅"
UNAUTHENTICATED = {reason: f"{zh}；{WHERE_TOKENS_ZH} ({en}{WHERE_TOKENS})" for reason, zh, en in [
    ("token_missing", "未提供令牌：请发送 `Authorization: Bearer <令牌>`",
     "no bearer token: send `Authorization: Bearer <token>`; "),
    ("token_unknown", "此令牌在这里无效（输错了，或来自另一套系统）",
     "the bearer token is not known here (mistyped, or from another installation); "),
    ("token_revoked", "此令牌已被吊销，请向管理员申请新令牌",
     "the bearer token was revoked; ask an admin for a new one: "),
    ("session_ended", "控制台会话已结束（已退出或已过期）：请在 /console/login 重新登录，或发送令牌",
     ("the console session has ended (logged out or expired); log in again at "
      "/console/login, or send a bearer token: "))]}


class Unauthenticated(Exception):
    """No principal for this request; `reason` is a key of UNAUTHENTICATED."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def problem(status: int, title: str, detail: str | None = None, *, code: str | None = None,
            errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {"type": f"https://liftrescue.dev/problems/{code or status}",
                            "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _loc(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    return [part for part in loc if part != "body"] or list(loc)


def _not_json(request: Request, exc: RequestValidationError) -> str | None:
    """Why a refused API body was not read as JSON (its Content-Type), else None."""
    if request.method not in ("POST", "PUT", "PATCH") or request.url.path.startswith("/console"):
        return None
    sent = request.headers.get("content-type", "")
    media = sent.split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return None
    if sent:  # FastAPI never parsed the body: every field error stems from this
        return (f"Content-Type 须为 application/json，而不是 {sent} "
                f"(Content-Type must be application/json, not {sent})")
    # Without a Content-Type FastAPI tries JSON; only a body unreadable as a whole is ours.
    if any(tuple(e["loc"]) == ("body",) for e in exc.errors()):
        return ("须发送 Content-Type: application/json "
                "(Content-Type must be application/json (none was sent))")
    return None


def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if media := _not_json(request, exc):
        return problem(415, "Unsupported media type", media, code="content_type")
    errors = [{"loc": list(e["loc"]), "field": ".".join(str(p) for p in _loc(e["loc"])),
               "msg": bilingual(e)} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['msg']}" for e in errors)
    return problem(422, "Invalid request", detail, code="validation", errors=errors)


def in_city(exc: DomainError, zone: str) -> str:
    """A domain error's text ("中文 (English)") with its instants in the city's time zone."""
    return exc.render(ZoneInfo(zone))


def _city_text(request: Request, exc: DomainError) -> str:
    services = getattr(request.app.state, "services", None)
    return in_city(exc, services.settings.timezone) if services else exc.message


def _invalid_value(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidValue)
    text = _city_text(request, exc)
    errors = [{"loc": ["body", exc.field], "field": exc.field, "msg": text}] if exc.field else None
    return problem(422, "Invalid value", text, code=exc.code, errors=errors)


def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    text = _city_text(request, exc)  # a rule about one field names it, as bad input does
    errors = [{"loc": ["body", exc.field], "field": exc.field, "msg": text}] if exc.field else None
    return problem(409, "Command refused by the ticket's rules", text, code=exc.code,
                   errors=errors)


def _not_found(request: Request, exc: Exception) -> Response:
    what = f"未找到工单 {exc} (no ticket {exc})" if isinstance(exc, TicketNotFound) \
        else f"未找到 ({exc})"
    if request.url.path.startswith("/console/"):  # people get a page, programs a problem body
        return request.app.state.templates.TemplateResponse(
            request, "not_found.html", {"principal": getattr(request.state, "principal", None),
                                        "nav": [], "what": what}, status_code=404)
    return problem(404, "Not found", what, code="not_found")


def _mismatch(_: Request, exc: Exception) -> JSONResponse:
    return problem(412, "Precondition failed", str(exc), code="version_mismatch")


def _concurrent(_: Request, exc: Exception) -> JSONResponse:
    return problem(409, "Concurrent update", str(exc), code="concurrent_update")


# Starlette's own refusals (no route, wrong method) in words, Chinese first.
ROUTING = {404: "没有这个地址，接口见 /docs (no such address: the API is listed at /docs)",
           405: "此地址不接受这种请求方法 (this address does not take that method)"}


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    plain = str(exc.detail) == HTTPStatus(exc.status_code).phrase  # not a route's own words
    return problem(exc.status_code, str(exc.detail),
                   ROUTING.get(exc.status_code) if plain else None,
                   headers=getattr(exc, "headers", None))


def _unauthenticated(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Unauthenticated)
    return problem(401, "Authentication required", UNAUTHENTICATED[exc.reason], code=exc.reason,
                   headers={"WWW-Authenticate": 'Bearer realm="liftrescue"'})


def _database_down(_: Request, exc: Exception) -> JSONResponse:
    log.error("database_unavailable", error=str(exc))
    return problem(503, "Database unavailable", "数据库暂不可用，请稍后重试 (retry shortly)",
                   code="unavailable",
                   headers={"Retry-After": "2"})


def _bad_data(request: Request, exc: Exception) -> JSONResponse:
    # Values that pass validation but PostgreSQL cannot take (e.g. NUL in a query string):
    # named when a query or path value holds the NUL, as every other 422 names its field.
    given = [("query", k, v) for k, v in request.query_params.multi_items()] + \
        [("path", k, str(v)) for k, v in request.path_params.items()]
    errors = [{"loc": [where, name], "field": f"{where}.{name}",
               "msg": "文本不能含 NUL 字符 (text must not contain NUL characters)"}
              for where, name, value in given if "\x00" in value]
    detail = "; ".join(f"{e['field']}: {e['msg']}" for e in errors) or (
        "数据库不能保存此值 (a value cannot be stored: " + str(exc).splitlines()[0] + ")")
    return problem(422, "Invalid value", detail, code="invalid_value", errors=errors)


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", error_type=type(exc).__name__)
    return problem(500, "Internal error", "the error was logged with this request's correlation id",
                   code="internal")


def install(app: FastAPI) -> None:
    """Register the problem handlers on the app."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidValue, _invalid_value)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(VersionMismatch, _mismatch)
    app.add_exception_handler(ConcurrentUpdate, _concurrent)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    for error in (PsycopgOperationalError, OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(error, _database_down)
    app.add_exception_handler(DataError, _bad_data)
    app.add_exception_handler(Exception, _unexpected)
