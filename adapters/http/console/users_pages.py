"""Console users: admins create, disable and reset users; everyone changes their own password."""

from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from adapters.bootstrap import Services
from adapters.http.console import sign_in
from adapters.http.console.rendering import render
from adapters.http.console.session import COOKIE, ConsolePrincipal
from adapters.http.deps import RegistryDep, ServicesDep
from adapters.postgres.console_users import WrongPassword, subject_of
from adapters.postgres.tokens import ROLES, Principal, digest
from dispatch.errors import NotFound

router = APIRouter(prefix="/console", include_in_schema=False)
log = structlog.get_logger("liftrescue.console")
ADMINS_ONLY = "仅管理员可管理用户 (admins only)"
MISMATCH = "new_password: 两次输入不一致 (the two new passwords differ)"
TextForm = Annotated[str, Form()]


def _username(principal: Principal) -> str | None:
    """The signed-in person's username; None for a machine's token session."""
    prefix = subject_of("")
    return principal.subject[len(prefix):] if principal.subject.startswith(prefix) else None


def _users_page(request: Request, services: Services, principal: Principal,
                error: str | None = None,
                notice: str | None = None) -> HTMLResponse:
    if principal.role != "admin":
        response = render(request, "users.html", error=ADMINS_ONLY, users=None)
        response.status_code = 403
        return response
    response = render(request, "users.html", users=services.users.users(), roles=ROLES,
                      units=services.registry_queries.units(None), error=error, notice=notice)
    response.status_code = 400 if error else 200
    return response


@router.get("/users")
def users(request: Request, principal: ConsolePrincipal, services: ServicesDep) -> HTMLResponse:
    return _users_page(request, services, principal)


@router.post("/users")
def create_user(request: Request, principal: ConsolePrincipal, services: ServicesDep,
                registry: RegistryDep, username: TextForm, password: TextForm, role: TextForm,
                unit_id: Annotated[str, Form()] = "") -> HTMLResponse:
    if principal.role != "admin":
        return _users_page(request, services, principal)

    def unit_known(unit: str) -> bool:
        try:
            registry.unit(unit)
        except NotFound:
            return False
        return True

    try:
        user = services.users.create(username=username, password=password, role=role,
                                     unit_id=unit_id if role == "unit" else None,
                                     created_by=principal.subject, unit_known=unit_known)
    except ValueError as exc:
        return _users_page(request, services, principal, error=str(exc))
    log.info("console_user_created", username=user.username, role=user.role,
             by=principal.subject)
    return _users_page(request, services, principal,
                       notice=f"已创建用户 {user.username} (user created)")


@router.post("/users/{username}/disable")
def disable_user(request: Request, username: str, principal: ConsolePrincipal,
                 services: ServicesDep) -> HTMLResponse:
    if principal.role != "admin":
        return _users_page(request, services, principal)
    if username == _username(principal):
        return _users_page(request, services, principal,
                           error="不能停用自己 (you cannot disable yourself)")
    if not services.users.disable(username):
        return _users_page(request, services, principal,
                           error=f"username: 无此启用用户 {username} (no enabled user)")
    log.info("console_user_disabled", username=username, by=principal.subject)
    return _users_page(request, services, principal,
                       notice=f"已停用 {username}，其会话已结束 (disabled; sessions ended)")


@router.post("/users/{username}/password")
def reset_password(request: Request, username: str, principal: ConsolePrincipal,
                   services: ServicesDep, new_password: TextForm) -> HTMLResponse:
    if principal.role != "admin":
        return _users_page(request, services, principal)
    try:
        services.users.reset_password(username, new_password)
    except ValueError as exc:
        return _users_page(request, services, principal, error=str(exc))
    log.info("console_password_reset", username=username, by=principal.subject)
    return _users_page(request, services, principal,
                       notice=f"已重置 {username} 的密码 (password reset; sessions ended)")


@router.get("/password")
def password_form(request: Request, principal: ConsolePrincipal) -> HTMLResponse:
    return render(request, "password.html", person=_username(principal))


@router.post("/password")
def change_password(request: Request, principal: ConsolePrincipal, services: ServicesDep,
                    current_password: TextForm, new_password: TextForm,
                    confirm_password: TextForm) -> HTMLResponse:
    person, status = _username(principal), 400
    error = None if new_password == confirm_password else MISMATCH
    if person is None:
        error = "令牌会话没有密码 (a token session has no password)"
    if error is None:
        error, status = _change(request, services, person, current_password, new_password)
    if error is None:
        log.info("console_password_changed", subject=principal.subject)
    response = render(request, "password.html", person=person, error=error,
                      notice=None if error else "密码已修改 (password changed)")
    response.status_code = status if error else 200
    return response


def _change(request: Request, services: Services, person: str, current: str,
            new: str) -> tuple[str | None, int]:
    """Change a password; guessing the current one here counts like a failed login."""
    throttle = services.login_throttle
    attempt = throttle.begin(person, request.client.host if request.client else "unknown")
    if isinstance(attempt, int):
        return sign_in.LOCKED.format(s=attempt), 429
    try:
        services.users.change_password(person, current, new,
                                       keep_session_hash=digest(request.cookies[COOKIE]))
    except WrongPassword as exc:
        return str(exc), 400
    except ValueError as exc:
        throttle.forget(attempt)
        return str(exc), 400
    throttle.succeeded(person)
    return None, 200
