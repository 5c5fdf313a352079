"""The HTTP adapter's rooms: routes share dependencies through deps.py/auth.py, never each other."""

import ast
from pathlib import Path

HTTP = Path(__file__).resolve().parents[2] / "adapters" / "http"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_route_module_imports_another_route_module():
    routes = {f"adapters.http.routes.{p.stem}" for p in (HTTP / "routes").glob("*.py")
              if p.stem != "__init__"}
    assert len(routes) > 5, routes  # the glob found the routes
    crossing = [(p.name, sorted(imported_modules(p) & routes)) for p in
                [*(HTTP / "routes").glob("*.py"), *(HTTP / "console").glob("*.py")]
                if imported_modules(p) & (routes - {f"adapters.http.routes.{p.stem}"})]
    assert crossing == []


def test_routes_and_console_reach_services_only_through_dependencies():
    reaching = [p.name for p in [*(HTTP / "routes").glob("*.py"),
                                 *(HTTP / "console").glob("*.py")]
                if "app.state.services" in p.read_text("utf-8")]
    assert reaching == []
