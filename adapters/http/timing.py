"""Request latency by route template (`/v1/tickets/{ticket_id}/arrive`), never the raw path.

Labels stay few whatever callers send: the template of the matched route, a known method, and
the status class; a path no route matches is `unmatched`.
"""

import re
from collections.abc import Iterator
from typing import Any

from starlette.types import Scope

from adapters.metrics import REQUEST_SECONDS

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The route the router chose, or (for answers given before routing: an idempotent replay,
    a body too large) the route that would have been chosen."""
    route = scope.get("route")
    if route is not None:
        return getattr(route, "path", None) or UNMATCHED
    path, method = scope.get("path", ""), scope.get("method")
    for regex, methods, template in _routes(getattr(scope.get("app"), "router", None)):
        if regex.match(path) and (not methods or method in methods):
            return template
    return UNMATCHED


def _routes(router: Any) -> Iterator[tuple[re.Pattern[str], set[str] | None, str]]:
    """(path regex, methods, template) of every route, through included routers."""
    for route in getattr(router, "routes", []):
        contexts = getattr(route, "effective_route_contexts", None)  # FastAPI's included router
        for found in contexts() if contexts else [route]:
            regex, template = getattr(found, "path_regex", None), getattr(found, "path", None)
            if regex is not None and template:
                yield regex, getattr(found, "methods", None), template


def observe_request(scope: Scope, status: int, seconds: float) -> None:
    """Record one answered request."""
    method = scope.get("method", "")
    REQUEST_SECONDS.labels(route=route_template(scope),
                           method=method if method in METHODS else "other",
                           status=f"{status // 100}xx").observe(seconds)
