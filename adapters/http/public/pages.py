"""GET /p/lifts/{code} (+ qr.svg, qr.png) and GET /p/units: public, rate-limited, cached."""

import io
from typing import Any

from fastapi import APIRouter, Request, Response

from adapters.http.deps import RegistryDep, SettingsDep
from adapters.http.public.deps import (
    RateLimited,
    StandingDep,
    cached,
    qr_code,
    since_a_year,
    well_formed,
)
from adapters.http.rescuer.scan import arrival_from_scan
from dispatch.errors import NotFound

router = APIRouter(prefix="/p", include_in_schema=False, dependencies=[RateLimited])


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    template = request.app.state.templates.get_template(name)
    body = template.render(request=request, **context).encode()
    return cached(request, body, "text/html; charset=utf-8", status)


def _lift(code: str, standing: StandingDep) -> dict[str, Any] | None:
    return standing.lift(code) if well_formed(code) else None


def _not_found(request: Request) -> Response:
    """The same plain page for malformed and unknown codes: nothing says what exists."""
    return _page(request, "public_not_found.html", status=404)


@router.get("/lifts/{code}")
def lift_page(code: str, request: Request, standing: StandingDep, registry: RegistryDep,
              settings: SettingsDep) -> Response:
    """The page a lift's QR label opens: its unit, duty line, 96333, entrapments, on-time."""
    if (scan := arrival_from_scan(request, code)) is not None:  # a rescuer on site (issue 17)
        return scan
    lift = _lift(code, standing)
    if lift is None:
        return _not_found(request)
    since, as_of = since_a_year(settings.timezone)
    unit_name = duty_phone = unit_standing = None
    if lift["unit_id"]:
        try:
            unit = registry.unit(lift["unit_id"])
            unit_name, duty_phone = unit.name, unit.duty_phone  # the unit's line, not a person's
        except NotFound:
            pass
        rows = standing.units(since, lift["unit_id"])
        unit_standing = rows[0] if rows else None
    return _page(request, "public_lift.html", lift=lift, unit_name=unit_name,
                 duty_phone=duty_phone, standing=unit_standing, as_of=as_of,
                 entrapments=standing.entrapments(lift["registration_code"], since))


@router.get("/lifts/{code}/qr.svg")
def lift_qr_svg(code: str, request: Request, standing: StandingDep,
                settings: SettingsDep) -> Response:
    return _qr(code, request, standing, settings, "svg", "image/svg+xml",
               title=f"96333 {code}")


@router.get("/lifts/{code}/qr.png")
def lift_qr_png(code: str, request: Request, standing: StandingDep,
                settings: SettingsDep) -> Response:
    return _qr(code, request, standing, settings, "png", "image/png")


def _qr(code: str, request: Request, standing: Any, settings: Any, kind: str, media: str,
        **extra: str) -> Response:
    """The lift page's QR code in one image format (the plain 404 for an unknown lift)."""
    if _lift(code, standing) is None:
        return _not_found(request)
    out = io.BytesIO()
    qr_code(settings.public_base_url, code).save(out, kind=kind, scale=8, border=4, **extra)
    return cached(request, out.getvalue(), media)


@router.get("/units")
def units_page(request: Request, standing: StandingDep, settings: SettingsDep) -> Response:
    """Maintenance units ranked by on-time share, entrapments per 10,000 lifts, median arrival."""
    since, _ = since_a_year(settings.timezone)
    return _page(request, "public_units.html", units=standing.units(since),
                 since=since.strftime("%Y-%m-%d"), limits=settings.arrival_limits())


@router.get("/{rest:path}")
def anything_else(rest: str, request: Request) -> Response:
    """Any other public address (a label URL cut short or with extra parts): the plain 404."""
    return _not_found(request)
