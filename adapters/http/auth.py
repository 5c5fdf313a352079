"""Bearer-token authentication and role checks (401 unauthenticated, 403 wrong role)."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from adapters.http.problems import Unauthenticated
from adapters.postgres.tokens import Principal

ALL_ROLES = ("admin", "operator", "unit", "auditor")
OPERATORS = ("admin", "operator")
FIELD_WORK = ("admin", "operator", "unit")  # what a unit's own rescuers report
EDITORS = ("admin", "unit")  # who keeps registry records (a unit only its own)
bearer = HTTPBearer(auto_error=False, description=(
    "Token from `liftrescue tokens create` or the `liftrescue dev` banner"))


async def bearer_principal(services, token: str) -> Principal | None:
    """A bearer token's principal: the cache first, the database (thread pool) on a miss."""
    found, principal = services.tokens.cached(token)
    if not found:
        principal = await run_in_threadpool(services.tokens.verify, token)
    return principal


async def authenticate(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)] = None) -> Principal:
    """The caller's principal from `Authorization: Bearer <token>`.

    Async on purpose: a cached token costs no thread hop; only a cache miss goes to the
    database, in the thread pool."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    services = request.app.state.services
    principal, reason = None, "token_missing"
    if credentials is not None and (token := credentials.credentials.strip()):
        principal = await bearer_principal(services, token)
        if principal is None:  # only a refusal pays for the second look: why
            revoked = await run_in_threadpool(services.tokens.revoked, token)
            reason = "token_revoked" if revoked else "token_unknown"
    elif request.method == "GET" and (session := request.cookies.get("lr_session")):
        # The console's session may read the API (dossier links); writes need a bearer token.
        principal = await run_in_threadpool(services.sessions.principal, session)
        reason = "session_ended"
    if principal is None:
        raise Unauthenticated(reason)
    request.state.principal = principal
    return principal


def require(*roles: str) -> Callable[[Principal], Principal]:
    """A dependency admitting only the given roles."""

    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"角色 {principal.role} 无权执行此操作 "
                                     f"(role {principal.role} may not do this)")
        return principal

    return check


# One check per role set, made once: FastAPI runs a dependency once per request by identity.
editor, admin = require(*EDITORS), require("admin")
PrincipalDep = Annotated[Principal, Depends(authenticate)]
Operator = Annotated[Principal, Depends(require(*OPERATORS))]
FieldWorker = Annotated[Principal, Depends(require(*FIELD_WORK))]
Reader = Annotated[Principal, Depends(require(*ALL_ROLES))]
Editor = Annotated[Principal, Depends(editor)]
Admin = Annotated[Principal, Depends(admin)]
EDITOR_ONLY = [Depends(editor)]  # route-level: the role is refused (403) before any lookup
ADMIN_ONLY = [Depends(admin)]


def unit_scope(principal: Principal) -> str | None:
    """The unit a caller is confined to (None = sees every unit)."""
    return principal.unit_id if principal.role == "unit" else None
