"""Unknown query parameters are refused (422 naming them), never silently ignored: a misspelt
filter (`?staton_id=`) would otherwise answer every ticket as if it had been applied."""

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError


def declared(dependant: Any) -> frozenset[str]:
    """The query parameter names a route and its dependencies declare (by alias)."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= declared(sub)
    return frozenset(names)


async def only_declared_query(request: Request) -> None:
    """Router dependency: 422 when the query string holds a name the route does not declare."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    allowed = declared(route.dependant)  # a few dozen objects: no cache needed
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        raise RequestValidationError([
            {"type": "extra_forbidden", "loc": ("query", name), "input": None,
             "msg": f"unknown query parameter; this list takes {', '.join(sorted(allowed))}"}
            for name in unknown])
